// A node launch made ready to start, for `run`, `exec` and `demo`: every pure step for every server first
// (core/node), with the host's facts; then the reservations, all or nothing; then the run directory.
import type { CheckedRequest, LaunchRequest } from "../../core/node/launch-request.ts";
import type { NodeIdentity } from "../../core/launch/node-identity.ts";
import { launchNodeSlots, leaderNodesOf, movedLaunch, planNodeSlots, withGpus, withPublishedLeader, type NodeFacts, type NodeLaunchPlan, type ServerLaunch } from "../../core/node/node-launch-plan.ts";
import type { PublishedLeader, ServerGpu } from "../../core/launch/launch-types.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { resolve } from "node:path";
import { checkHostName, isWildcardAddress } from "../../core/launch/host-name.ts";
import { advertisedAddress } from "../net/address.ts";
import { readHostPortSettings } from "../registry/kernel-port-settings.ts";
import { nodeGpus, type NodeGpus } from "../gpus/node-gpus.ts";
import { otherTasksGpu, slurmTaskGpus, taskView } from "../../core/launch/slurm-task-gpus.ts";
import { openRegistry } from "../registry/registry.ts";
import { chooseRunDirectory, createRunDirectory, sweepDeadRunDirectories, type RunDirectory } from "../files/run-directory.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { resolveJobHosts } from "./job-hosts.ts";
import { releaseServers, reserveServers, type Relocate } from "./reserve-servers.ts";

export interface PreparedNode {
  identity: NodeIdentity;
  /** What others dial (URLs, the manifest). */
  host: string;
  /** What the servers bind (--host): the advertised address unless --host says otherwise. */
  bindHost: string;
  servers: SupervisedServer[];
  warnings: string[];
  simulated: boolean;
  runDirectory: RunDirectory;
  /** Where the reservations are recorded: the supervisor keeps its servers' table there for `berth status`. */
  registryDirectory: string;
  /** The whole job as the rendezvous compares it between nodes. */
  job: { spec: string; nodes: number; gpusPerNode: number; layout: string; serverCount: number; serverNodes: number[] };
  /** A member's launch rebuilt around what its leader published. */
  withLeader(entry: SupervisedServer, leader: PublishedLeader): SupervisedServer;
  /** A running server moved to a free block of the pool (a stranger took its port). */
  relocate: Relocate;
}

/** --advertise-host, else a --host that is not a wildcard, else the default route's interface address. */
function advertisedHost(options: LaunchRequest["options"], warnings: string[]): string {
  if (options.advertiseHost !== undefined) return checkHostName(options.advertiseHost)!;
  const bind = options.host === undefined ? undefined : checkHostName(options.host)!;
  if (bind !== undefined && !isWildcardAddress(bind)) return bind;
  const detected = advertisedAddress();
  if (detected.fallback) warnings.push("no non-loopback address found; servers advertise 127.0.0.1 (pass --advertise-host)");
  return detected.address;
}

/** A node's launch worked out and nothing taken: what `run --dry-run` shows, and what prepareNode reserves. */
export interface NodePlan {
  checked: CheckedRequest;
  facts: NodeFacts;
  plan: NodeLaunchPlan;
  gpus: NodeGpus;
  warnings: string[];
  runDirectory: RunDirectory;
}

/** Every pure step for every server, with the host's facts (NVML, addresses, the kernel's port settings). */
/**
 * The node's GPUs for planning: NVML's (or simulated ones); for `berth exec` under
 * `srun --gpus-per-task`, the whole node's count with this task's own GPUs in its slot (slurm-task-gpus.ts).
 */
function gpusToPlan(checked: CheckedRequest): Outcome<NodeGpus & { slotGpus?: ServerGpu[] }> {
  const request = checked.request;
  const { gpusPerNode, simulate, allowBusyGpus } = request.options;
  const choice = { gpusPerNode, simulate: (simulate ?? false) || (request.simulate ?? false), allowBusy: allowBusyGpus ?? false };
  const task = request.onlySlot === undefined || choice.simulate ? undefined : slurmTaskGpus(request.env);
  if (!task) {
    const gpus = nodeGpus(request.env, choice);
    return gpus.ok ? succeeded(gpus.value) : refused(gpus.refusal);
  }
  const onNode = gpusPerNode ?? task.onNode;
  if (onNode === undefined) return refused(badInput(`SLURM_GPUS_PER_TASK=${request.env.SLURM_GPUS_PER_TASK} gives this task ${task.perTask} GPU(s) of the node's, but nothing says how many the node has: pass --gpus-per-node`));
  const own = nodeGpus(request.env, { ...choice, gpusPerNode: task.perTask });
  if (!own.ok) return refused(own.refusal);
  // The count plans the node; this task's own GPUs fill its slot once the plan says which indices those are.
  return succeeded({ ...own.value, gpus: Array.from({ length: onNode }, (_, index) => otherTasksGpu(index)), slotGpus: own.value.gpus, countFromHost: gpusPerNode === undefined });
}

export async function planNode(checked: CheckedRequest): Promise<Outcome<NodePlan>> {
  const request = checked.request;
  const planned = gpusToPlan(checked);
  if (!planned.ok) return planned;
  const gpus = planned.value;
  const warnings = [...gpus.warnings];
  const runDirectory = chooseRunDirectory(request.options.runDir, request.env, { execSlot: request.onlySlot });
  const advertiseHost = advertisedHost(request.options, warnings);
  const bindHost = request.options.host === undefined ? advertiseHost : checkHostName(request.options.host)!;
  const kernel = readHostPortSettings();
  const slots = planNodeSlots(checked, { gpus: gpus.gpus, gpuCountFromHost: gpus.countFromHost, kernel });
  if (!slots.ok) return slots;
  const slotGpus = gpus.slotGpus;
  if (slotGpus) {
    const slot = slots.value.slots[0]!;
    if (slot.server.gpus.length !== slotGpus.length) return refused(badInput(`slot ${slot.placement.localIndex} needs ${slot.server.gpus.length} GPU(s) but Slurm gives this task ${slotGpus.length} (SLURM_GPUS_PER_TASK): give each task as many GPUs as its server uses`));
    gpus.gpus = taskView(gpus.gpus.length, slot.server.gpus, slotGpus);
  }
  // Only the hosts that lead this node's multi-node servers are resolved; with a rendezvous, none: leaders publish.
  const leaderFromRendezvous = request.leaderFromRendezvous ?? false;
  const facts: NodeFacts = {
    gpus: gpus.gpus,
    gpuCountFromHost: gpus.countFromHost,
    host: bindHost,
    advertiseHost,
    kernel,
    runDirectory: runDirectory.path,
    shortDirectory: runDirectory.short,
    cacheDirectory: request.options.cacheDir === undefined ? undefined : resolve(request.options.cacheDir),
    leaders: await resolveJobHosts(request.options.leaderAddr, request.env, { nodeCount: checked.identity.count, needed: leaderFromRendezvous ? [] : leaderNodesOf(slots.value.slots) }, warnings),
    leaderFromRendezvous,
  };
  const plan = launchNodeSlots(checked, facts, slots.value);
  if (!plan.ok) return plan;
  return succeeded({ checked, facts, plan: plan.value, gpus, warnings, runDirectory });
}

/** `checked`: the request as core/node/launch-request.ts checked it (the caller may need its identity first). */
export async function prepareNode(checked: Outcome<CheckedRequest>): Promise<Outcome<PreparedNode>> {
  if (!checked.ok) return checked;
  const request = checked.value.request;
  sweepDeadRunDirectories(request.env); // what SIGKILLed runs and ended execs left behind
  const planned = await planNode(checked.value);
  if (!planned.ok) return planned;
  const { facts, gpus, plan, warnings, runDirectory } = planned.value;
  const registry = await openRegistry(request.env);
  if (!registry.ok) return refused(registry.refusal);
  const offer = { candidates: gpus.candidates, lock: !gpus.simulated, rebuild: (launch: ServerLaunch, moved: ServerGpu[]) => withGpus(checked.value, facts, launch, moved) };
  const reserved = reserveServers(registry.registry, plan, request.holder, (launch, first) => movedLaunch(checked.value, facts, launch, first), offer);
  if (!reserved.ok) return reserved;
  const servers = reserved.value.servers;
  // Made only once everything is reserved, so a refused launch leaves nothing behind.
  try {
    createRunDirectory(runDirectory, servers.flatMap((server) => server.launch.directories));
  } catch (error) {
    releaseServers(servers);
    return refused(environmentRefusal(`cannot create the run directory ${runDirectory.path} (--run-dir): ${error instanceof Error ? error.message : String(error)}`));
  }
  const identity = checked.value.identity;
  const job = { spec: request.specText, nodes: identity.count, gpusPerNode: plan.gpusPerNode, layout: plan.layout, serverCount: plan.serverCount, serverNodes: plan.serverNodes };
  const withLeader = (entry: SupervisedServer, leader: PublishedLeader): SupervisedServer => {
    const rebuilt = withPublishedLeader(checked.value, facts, entry, leader);
    return { ...entry, launch: rebuilt.launch, role: rebuilt.role };
  };
  const allWarnings = [...plan.warnings, ...warnings, ...reserved.value.warnings];
  return succeeded({ identity, host: facts.advertiseHost, bindHost: facts.host, servers, job, withLeader, relocate: reserved.value.relocate, warnings: allWarnings, simulated: gpus.simulated, runDirectory, registryDirectory: registry.registry.directory });
}
