// Reserving a node's servers all or nothing: each server's GPUs (reserve-gpus.ts: held, busy or MIG ones are
// replaced by free ones), then its port block. One refusal releases everything taken so far, so a refused
// launch leaves nothing held. On a shared node another job may hold a single-node server's planned block: it
// moves to another free block of the pool (see moveBlock).
import type { NodeLaunchPlan, ServerLaunch } from "../../core/node/node-launch-plan.ts";
import { nextWindow } from "../../core/plan/port-blocks.ts";
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import type { PortRange } from "../../core/types.ts";
import type { Registry } from "../registry/registry.ts";
import { releaseReservation, reserveBlock, type HeldPort, type Holder, type Reservation } from "../registry/reservations.ts";
import type { GpuCandidate } from "../../core/launch/gpu-choice.ts";
import { reserveServerGpus, type GpuReserving, type RegpuLaunch } from "./reserve-gpus.ts";
import { listenerOf } from "../net/port-owner.ts";
import { supervisedServer, type SupervisedServer } from "../supervise/supervised-server.ts";

/** Rebuilds a server's launch around the block that starts at `first`. */
export type MoveLaunch = (launch: ServerLaunch, first: number) => ServerLaunch;

/** What the node offers its servers' GPUs, and how a launch is rebuilt around other GPUs. */
export interface NodeGpuOffer {
  candidates: GpuCandidate[];
  lock: boolean;
  rebuild: RegpuLaunch;
}

interface Reserving {
  registry: Registry;
  plan: NodeLaunchPlan;
  holder: Holder;
  move: MoveLaunch;
  gpus: GpuReserving;
  /** Blocks this launch holds or has planned: a moved block keeps out of all of them. */
  taken: PortRange[];
  warnings: string[];
}

function describe(range: PortRange): string {
  return `${range.first}-${range.last}`;
}

/** The first free block of the same width in the pool, clear of reserved ports and of this launch's blocks. */
function moveBlock(state: Reserving, launch: ServerLaunch): { launch: ServerLaunch; ports: HeldPort[] } | { fatal: string } | undefined {
  const width = launch.placement.ports.last - launch.placement.ports.first + 1;
  const avoid = [...state.plan.reservedPorts, ...state.taken];
  for (let first = nextWindow(state.plan.pool.first, width, state.plan.pool, avoid); first !== undefined; ) {
    const block = reserveBlock(state.registry, { first, last: first + width - 1 }, state.holder, { allowTimeWait: false });
    if (block.ok) return { launch: state.move(launch, first), ports: block.ports };
    if (block.fatal) return { fatal: block.why };
    first = nextWindow(block.port + 1, width, state.plan.pool, avoid);
  }
  return undefined;
}

function reservePorts(state: Reserving, launch: ServerLaunch): Outcome<{ launch: ServerLaunch; ports: HeldPort[] }> {
  const planned = launch.placement.ports;
  // TIME_WAIT leftovers of a previous run on these very ports do not block a planned block (see holdPort).
  const block = reserveBlock(state.registry, planned, state.holder, { allowTimeWait: true });
  if (block.ok) return succeeded({ launch, ports: block.ports });
  if (block.fatal) return refused(environmentRefusal(block.why));
  const index = launch.server.index;
  // A process listening there (an orphan of a berth that is gone, another program) is named.
  const listener = block.why.startsWith("in use by another process") ? listenerOf(block.port) : undefined;
  const why = `port ${block.port} of server ${index}'s block ${describe(planned)} is ${listener ? `in use by ${listener}` : block.why}`;
  if (launch.server.nodes !== undefined) {
    return refused(environmentRefusal(`${why}; a multi-node server's block must be the same on every node, so it cannot move: free it or choose another --port-pool`));
  }
  const moved = moveBlock(state, launch);
  if (moved && "fatal" in moved) return refused(environmentRefusal(moved.fatal));
  if (!moved) return refused(environmentRefusal(`${why}, and no other free block of ${planned.last - planned.first + 1} ports is left in the pool ${describe(state.plan.pool)}; free ports or choose another --port-pool`));
  state.warnings.push(`${why}; server ${index} uses ${describe(moved.launch.placement.ports)} instead`);
  return succeeded(moved);
}

function reserveServer(state: Reserving, launch: ServerLaunch): Outcome<SupervisedServer> {
  const gpus = reserveServerGpus(state.gpus, launch);
  if (!gpus.ok) return gpus;
  const ports = reservePorts(state, gpus.value.launch);
  if (!ports.ok) {
    releaseReservation({ ports: [], gpus: gpus.value.leases });
    return ports;
  }
  state.taken.push(ports.value.launch.placement.ports);
  const reservation: Reservation = { ports: ports.value.ports, gpus: gpus.value.leases };
  return succeeded(supervisedServer(ports.value.launch, reservation));
}

/** A running server moved to a free block of the pool (a stranger took its port): the old ports let go. */
export type Relocate = (entry: SupervisedServer) => { launch: ServerLaunch["launch"]; placement: ServerLaunch["placement"]; server: ServerLaunch["server"]; ports: HeldPort[] } | undefined;

function relocator(state: Reserving): Relocate {
  return (entry) => {
    const moved = moveBlock(state, entry);
    if (!moved || "fatal" in moved) return undefined;
    releaseReservation({ ports: entry.reservation.ports, gpus: [] });
    state.taken = state.taken.filter((range) => range !== entry.placement.ports);
    state.taken.push(moved.launch.placement.ports);
    return { launch: moved.launch.launch, placement: moved.launch.placement, server: moved.launch.server, ports: moved.ports };
  };
}

export function reserveServers(registry: Registry, plan: NodeLaunchPlan, holder: Holder, move: MoveLaunch, offer: NodeGpuOffer): Outcome<{ servers: SupervisedServer[]; warnings: string[]; relocate: Relocate }> {
  const warnings: string[] = [];
  const gpus: GpuReserving = { registry, holder, ...offer, planned: new Set(plan.servers.flatMap((launch) => launch.gpus.map((gpu) => gpu.uuid))), remap: new Map(), takenMeanwhile: new Map(), warnings };
  const state: Reserving = { registry, plan, holder, move, gpus, taken: plan.servers.map((launch) => launch.placement.ports), warnings };
  const servers: SupervisedServer[] = [];
  for (const launch of plan.servers) {
    const server = reserveServer(state, launch);
    if (!server.ok) {
      releaseServers(servers);
      return server;
    }
    servers.push(server.value);
  }
  return succeeded({ servers, warnings: state.warnings, relocate: relocator(state) });
}

export function releaseServers(servers: readonly SupervisedServer[]): void {
  for (const server of servers) releaseReservation(server.reservation);
}
