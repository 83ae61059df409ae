// This node's share of the plan, made ready to start: identity, GPUs, plan, launches and reservations.
// Shared by `run`, `exec` and `demo`. Loaded only by those commands (it pulls in node:os and node:fs).
import { EnvironmentError, UsageError, usageErrorFromIssues } from "./errors.ts";
import type { Io } from "./io.ts";
import { buildLaunch } from "../core/launch/build-launch.ts";
import { assignGpus } from "../core/launch/gpu-assignment.ts";
import type { Backend, LaunchContext } from "../core/launch/launch-types.ts";
import { leaderAddress, resolveNodeIdentity, type NodeIdentity } from "../core/launch/node-identity.ts";
import { ownedFlagIn } from "../core/launch/owned-flags.ts";
import { splitCommand } from "../core/launch/split-command.ts";
import { planCluster } from "../core/plan/plan.ts";
import { readSpec } from "../core/spec/index.ts";
import { serversOnNode } from "../core/plan/servers-on-node.ts";
import { firstNonLoopbackAddress } from "../host/address.ts";
import { readHostPortSettings } from "../host/kernel-port-settings.ts";
import { nodeGpus } from "../host/node-gpus.ts";
import { openRegistry } from "../host/registry.ts";
import { chooseRunDirectory, createRunDirectory, type RunDirectory } from "../host/run-directory.ts";
import { releaseReservation, reserveBlock, reserveGpus, type Reservation } from "../host/reservations.ts";
import type { SupervisedServer } from "../host/supervise.ts";

export interface LaunchRequest {
  specText: string;
  options: {
    backend?: Backend;
    nodes?: number;
    nodeRank?: number;
    gpusPerNode?: number;
    portPool?: { first: number; last: number };
    host?: string;
    leaderAddr?: string;
    seed: number;
    engineCmd?: string;
    visibleDevices: "index" | "uuid";
    runDir?: string;
  };
  origins: Record<string, string>;
  passthrough: string[];
  io: Io;
  /** Run on simulated GPUs without asking NVML (the demo). */
  simulate?: boolean;
  /** Only this node-local slot (berth exec). */
  onlySlot?: number;
  role: string;
  command: string;
}

export interface PreparedNode {
  identity: NodeIdentity;
  host: string;
  servers: SupervisedServer[];
  warnings: string[];
  simulated: boolean;
  runDirectory: RunDirectory;
}

export async function prepareNode(request: LaunchRequest): Promise<PreparedNode> {
  const { options, io } = request;
  const spec = readSpec(request.specText);
  if (!spec.ok) throw usageErrorFromIssues(`bad spec ${JSON.stringify(request.specText)}: `, spec.issues);
  const warnings = [...spec.warnings];

  const identityResult = resolveNodeIdentity({ rank: options.nodeRank, count: options.nodes, rankSource: request.origins.nodeRank, countSource: request.origins.nodes }, io.env);
  if (!identityResult.ok) throw new UsageError(identityResult.message);
  const identity = identityResult.identity;

  const gpus = nodeGpus(io.env, options.gpusPerNode, request.simulate ?? false);
  if (!gpus.ok) throw gpus.badInput ? new UsageError(gpus.message) : new EnvironmentError(gpus.message);
  warnings.push(...gpus.warnings);

  const detected = options.host === undefined ? firstNonLoopbackAddress() : undefined;
  if (detected?.fallback) warnings.push("no non-loopback address found; servers advertise 127.0.0.1 (pass --host)");
  const host = options.host ?? detected!.address;

  const kernel = readHostPortSettings();
  const planned = planCluster(spec.value, {
    nodes: identity.count,
    gpusPerNode: gpus.gpus.length,
    portPool: options.portPool ?? kernel.defaultPool,
    reservedPorts: kernel.reservedPorts,
    ephemeralLow: kernel.ephemeralLow,
  });
  // The spec is fine; it is this cluster (this node's real GPUs, this pool) that cannot hold it.
  if (!planned.ok) throw new EnvironmentError(`${JSON.stringify(request.specText)} does not fit ${identity.count} node(s) × ${gpus.gpus.length} GPUs: ${planned.issues.map((issue) => issue.message).join("; ")}`);
  warnings.push(...planned.warnings);

  let mine = serversOnNode(planned.value, identity.rank);
  if (request.onlySlot !== undefined) {
    const slot = mine.find((entry) => entry.placement.localIndex === request.onlySlot);
    if (!slot) throw new UsageError(`server slot ${request.onlySlot} does not exist on node ${identity.rank}; this node has slots 0-${mine.length - 1}`);
    mine = [slot];
  }

  const engineCommand = options.engineCmd === undefined ? undefined : splitCommand(options.engineCmd);
  if (options.engineCmd !== undefined && (engineCommand === undefined || engineCommand.length === 0)) throw new UsageError(`bad value ${JSON.stringify(options.engineCmd)} for --engine-cmd; expected a command with balanced quotes, e.g. "python3 -m areal.server"`);
  for (const { server } of mine) {
    const owned = ownedFlagIn(request.passthrough, options.backend ?? server.backend);
    if (owned) throw new UsageError(`${owned.argument} after -- sets ${owned.flag}, which berth sets itself for each server; remove it (see berth run --help)`);
  }

  const runDirectory = chooseRunDirectory(options.runDir, io.env);
  const leader = leaderAddress(options.leaderAddr, io.env);
  const context = (backend: Backend): LaunchContext => ({
    backend,
    host,
    seedBase: options.seed,
    engineCommand,
    visibleDevices: options.visibleDevices,
    runDirectory: runDirectory.path,
    nodeRank: identity.rank,
    leaderAddress: leader,
    userArgs: request.passthrough,
    baseEnvironment: io.env,
  });

  const registry = await openRegistry(io.env);
  if (!registry.ok) throw new EnvironmentError(registry.message);
  const holder = { role: request.role, command: request.command };
  const reserved: Reservation[] = [];
  const servers: SupervisedServer[] = [];
  const assignments = assignGpus(mine, gpus.gpus);
  try {
    for (const [position, { server, placement }] of mine.entries()) {
      const { gpus: serverGpus, toLock } = assignments[position]!;
      const launch = buildLaunch(server, placement, serverGpus, context(options.backend ?? server.backend));
      if (!launch.ok) throw usageErrorFromIssues("", launch.issues);
      const gpuLocks = reserveGpus(registry.registry, toLock.map((gpu) => gpu.uuid), holder);
      if (!gpuLocks.ok) throw new EnvironmentError(`GPU ${gpuLocks.uuid} for server ${server.index} is ${gpuLocks.why}; berth will not share a GPU with another launch`);
      const reservation: Reservation = { ports: [], gpus: gpuLocks.gpus };
      reserved.push(reservation);
      const block = reserveBlock(registry.registry, placement.ports, holder);
      if (!block.ok) throw new EnvironmentError(`port ${block.port} of server ${server.index}'s block ${placement.ports.first}-${placement.ports.last} is ${block.why}; free it or choose another --port-pool`);
      reservation.ports = block.ports;
      servers.push({
        server,
        backend: options.backend ?? server.backend,
        placement,
        launch: launch.value,
        gpus: serverGpus,
        reservation,
        label: `s${server.index}`,
        state: "starting",
        pid: null,
        startedAt: 0,
        endedAt: null,
        restarts: 0,
        end: null,
        tail: [],
      });
    }
    // Made only once everything is reserved, so a refused launch leaves nothing behind.
    try {
      createRunDirectory(runDirectory);
    } catch (error) {
      throw new EnvironmentError(`cannot create the run directory ${runDirectory.path} (--run-dir): ${error instanceof Error ? error.message : String(error)}`);
    }
  } catch (error) {
    reserved.forEach(releaseReservation);
    throw error;
  }
  return { identity, host, servers, warnings, simulated: gpus.simulated, runDirectory };
}
