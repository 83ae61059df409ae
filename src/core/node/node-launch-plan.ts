// Every pure step of a node launch, for every server, before anything is reserved: the cluster plan, this
// node's servers, their GPUs and their launches. The host supplies only facts (GPUs, address, kernel ports).
import { buildLaunch, roleOf } from "../launch/build-launch.ts";
import { assignGpus } from "../launch/gpu-assignment.ts";
import type { Backend, Launch, LaunchContext, LaunchRole, PublishedLeader, ServerGpu } from "../launch/launch-types.ts";
import { planCluster } from "../plan/plan.ts";
import { shiftBlock } from "../plan/port-block-layout.ts";
import { layoutDigest } from "../rendezvous/node-record.ts";
import { serversOnNode, type ServerOnNode } from "../plan/servers-on-node.ts";
import { badInput, doesNotFitKind, quoted, refusalFromIssues, refused, succeeded, type Outcome } from "../refusal.ts";
import type { PlannedServer, PortRange, ServerPlacement } from "../types.ts";
import type { CheckedRequest } from "./launch-request.ts";
import type { ComponentSettings } from "../launch/components.ts";

/** What the host contributes to a node launch. */
export interface NodeFacts {
  gpus: ServerGpu[];
  /** NVML gave the GPU count (no --gpus-per-node). */
  gpuCountFromHost: boolean;
  /** What servers bind, and what is advertised (see host-name.ts). */
  host: string;
  advertiseHost: string;
  kernel: { defaultPool: PortRange; reservedPorts: PortRange[]; ephemeralLow: number };
  runDirectory: string;
  /** A short directory for socket paths when runDirectory is too long for them (see vllm.ts). */
  shortDirectory: string;
  /** --cache-dir, made absolute. */
  cacheDirectory?: string;
  /** Multi-node leaders: one named, or each leading node's address by rank (resolved by the host). */
  leaders: { leader?: string; nodes?: (string | undefined)[] };
  /** Members learn their leader's address from the rendezvous (its leader publishes it there). */
  leaderFromRendezvous?: boolean;
}

/** One server of this node, ready to reserve and start. */
export interface ServerLaunch {
  server: PlannedServer;
  /** How it is started, which may differ from the spec's backend (--backend cmd). */
  backend: Backend;
  placement: ServerPlacement;
  launch: Launch;
  /** single, leader or member (with its leader's host:port). */
  role: LaunchRole;
  gpus: ServerGpu[];
}

export interface NodeLaunchPlan {
  servers: ServerLaunch[];
  warnings: string[];
  /** The pool and reserved ports the blocks were cut from: where a server whose block is held may move. */
  pool: PortRange;
  reservedPorts: PortRange[];
  /** What the rendezvous compares between nodes, and how many servers the whole job has. */
  layout: string;
  serverCount: number;
  /** The nodes the plan puts servers on: the only ones a job needs alive to be ready (a trainer's node runs none). */
  serverNodes: number[];
  gpusPerNode: number;
}

function thisNodesSlots(checked: CheckedRequest, all: ServerOnNode[]): Outcome<ServerOnNode[]> {
  const slot = checked.request.onlySlot;
  if (slot === undefined) return succeeded(all);
  const found = all.find((entry) => entry.placement.localIndex === slot);
  if (!found) return refused(badInput(`server slot ${slot} does not exist on node ${checked.identity.rank}; this node has slots 0-${all.length - 1}`));
  return succeeded([found]);
}

/** The server's component's own settings ([components.NAME], --args NAME=…, --engine-cmd NAME=…). */
export function componentOf(checked: CheckedRequest, server: PlannedServer): ComponentSettings | undefined {
  return checked.components.byName.get(server.name ?? server.backend);
}

/** The backend a server is started with: its component's own, else --backend, else the spec's. */
export function backendOf(checked: CheckedRequest, server: PlannedServer): Backend {
  return componentOf(checked, server)?.backend ?? checked.request.options.backend ?? server.backend;
}

function launchContext(checked: CheckedRequest, facts: NodeFacts, server: PlannedServer): LaunchContext {
  const { options, passthrough, env } = checked.request;
  const own = componentOf(checked, server);
  return {
    backend: backendOf(checked, server),
    host: facts.host,
    advertiseHost: facts.advertiseHost,
    seedBase: options.seed,
    engineCommand: own?.engineCommand ?? checked.components.engineCommand,
    visibleDevices: options.visibleDevices,
    runDirectory: facts.runDirectory,
    shortDirectory: facts.shortDirectory,
    cacheDirectory: facts.cacheDirectory,
    nodeRank: checked.identity.rank,
    leaderAddress: facts.leaders.leader,
    nodeAddresses: facts.leaders.nodes,
    leaderFromRendezvous: facts.leaderFromRendezvous,
    userArgs: own && own.args.length > 0 ? [...passthrough, ...own.args] : passthrough,
    baseEnvironment: own && Object.keys(own.env).length > 0 ? { ...env, ...own.env } : env,
  };
}

/** This node's slots in the cluster's plan: the first half of a node launch, before any address is known. */
export interface NodeSlots {
  slots: ServerOnNode[];
  pool: PortRange;
  layout: string;
  serverCount: number;
  serverNodes: number[];
  warnings: string[];
}

export function planNodeSlots(checked: CheckedRequest, facts: Pick<NodeFacts, "gpus" | "gpuCountFromHost" | "kernel">): Outcome<NodeSlots> {
  const { request, identity } = checked;
  const pool = request.options.portPool ?? facts.kernel.defaultPool;
  const planned = planCluster(checked.spec, { nodes: identity.count, gpusPerNode: facts.gpus.length, portPool: pool, reservedPorts: facts.kernel.reservedPorts, ephemeralLow: facts.kernel.ephemeralLow });
  if (!planned.ok) {
    const refusal = refusalFromIssues(`${quoted(request.specText)} does not fit ${identity.count} node(s) × ${facts.gpus.length} GPUs: `, planned.issues);
    return refused({ ...refusal, kind: doesNotFitKind(planned.issues, { gpusFromHost: facts.gpuCountFromHost, poolFromHost: request.options.portPool === undefined }) });
  }
  const slots = thisNodesSlots(checked, serversOnNode(planned.value, identity.rank));
  if (!slots.ok) return slots;
  const serverNodes = [...new Set(planned.value.servers.flatMap((server) => server.placements.map((placement) => placement.node)))].sort((a, b) => a - b);
  return succeeded({ slots: slots.value, pool, layout: layoutDigest(planned.value), serverCount: planned.value.servers.length, serverNodes, warnings: [...checked.warnings, ...planned.warnings] });
}

/** The nodes that lead this node's multi-node servers: the only job hosts whose addresses this node needs. */
export function leaderNodesOf(slots: readonly ServerOnNode[]): number[] {
  return [...new Set(slots.filter(({ server }) => server.nodes !== undefined).map(({ server }) => server.node))];
}

/** The second half: every slot's GPUs and launch, once the host has given its addresses. */
export function launchNodeSlots(checked: CheckedRequest, facts: NodeFacts, planned: NodeSlots): Outcome<NodeLaunchPlan> {
  const assignments = assignGpus(planned.slots, facts.gpus);
  const servers: ServerLaunch[] = [];
  for (const [position, { server, placement }] of planned.slots.entries()) {
    const backend = backendOf(checked, server);
    const gpus = assignments[position]!;
    const context = launchContext(checked, facts, server);
    const launch = buildLaunch(server, placement, gpus, context);
    if (!launch.ok) return refused(refusalFromIssues("", launch.issues));
    servers.push({ server, backend, placement, launch: launch.value, role: roleOf(server, placement, context), gpus });
  }
  const { pool, layout, serverCount, serverNodes, warnings } = planned;
  return succeeded({ servers, warnings, pool, reservedPorts: facts.kernel.reservedPorts, layout, serverCount, serverNodes, gpusPerNode: facts.gpus.length });
}

export function planNodeLaunch(checked: CheckedRequest, facts: NodeFacts): Outcome<NodeLaunchPlan> {
  const planned = planNodeSlots(checked, facts);
  return planned.ok ? launchNodeSlots(checked, facts, planned.value) : planned;
}

/** A member rebuilt around what its leader published in the rendezvous (address and real ports). */
export function withPublishedLeader(checked: CheckedRequest, facts: NodeFacts, original: ServerLaunch, leader: PublishedLeader): ServerLaunch {
  const context = { ...launchContext(checked, facts, original.server), publishedLeader: leader };
  const launch = buildLaunch(original.server, original.placement, original.gpus, context);
  if (!launch.ok) throw new Error(`rebuilding server ${original.server.index}'s launch failed: ${launch.issues.map((issue) => issue.message).join("; ")}`);
  return { ...original, launch: launch.value, role: roleOf(original.server, original.placement, context) };
}

/** A server moved onto other GPUs than planned (its planned ones were taken): its launch rebuilt around them. */
export function withGpus(checked: CheckedRequest, facts: NodeFacts, original: ServerLaunch, gpus: ServerGpu[]): ServerLaunch {
  const launch = buildLaunch(original.server, original.placement, gpus, launchContext(checked, facts, original.server));
  // The flags were checked when the plan was built, and a move changes only which GPUs.
  if (!launch.ok) throw new Error(`rebuilding server ${original.server.index}'s launch failed: ${launch.issues.map((issue) => issue.message).join("; ")}`);
  return { ...original, gpus, launch: launch.value };
}

/**
 * A single-node server moved to the block starting at `first` (its planned one is held by another launch on
 * a shared node): the same layout, every port shifted, and its launch rebuilt with the real ports.
 */
export function movedLaunch(checked: CheckedRequest, facts: NodeFacts, original: ServerLaunch, first: number): ServerLaunch {
  const ports = shiftBlock(original.placement.ports, first);
  const placement = { ...original.placement, ports };
  const server = { ...original.server, ports, placements: [placement] };
  const launch = buildLaunch(server, placement, original.gpus, launchContext(checked, facts, original.server));
  // The flags were checked when the plan was built, and moving changes only numbers.
  if (!launch.ok) throw new Error(`rebuilding server ${server.index}'s launch failed: ${launch.issues.map((issue) => issue.message).join("; ")}`);
  return { ...original, server, placement, launch: launch.value };
}
