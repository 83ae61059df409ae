// A node launch's GPUs, chosen like its ports: each server's planned GPUs are locked where they are free;
// one held by another launch (its lock or its kernel guard), busy or in MIG mode is replaced by the lowest
// free GPU of the node (core/launch/gpu-choice.ts), and the server's launch is rebuilt around the real GPUs.
// A GPU found taken while locking is marked and the choice made again. Colocated servers share their GPUs:
// the first locks them, the next follow wherever they moved.
import { chooseServerGpus, describeGpuMoves, type GpuCandidate } from "../../core/launch/gpu-choice.ts";
import type { ServerGpu } from "../../core/launch/launch-types.ts";
import type { ServerLaunch } from "../../core/node/node-launch-plan.ts";
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import type { Lease, Registry } from "../registry/registry.ts";
import { reserveGpus, type Holder } from "../registry/reservations.ts";

/** Rebuilds a server's launch around other GPUs (its CUDA_VISIBLE_DEVICES, its placeholders). */
export type RegpuLaunch = (launch: ServerLaunch, gpus: ServerGpu[]) => ServerLaunch;

export interface GpuReserving {
  registry: Registry;
  holder: Holder;
  /** Every GPU of this node that a server could be given, with why it cannot where it cannot. */
  candidates: GpuCandidate[];
  /** Simulated GPUs are not locked (their UUIDs are made up); real ones are. */
  lock: boolean;
  rebuild: RegpuLaunch;
  /** The GPUs this launch's servers are planned on: never another server's replacement. */
  planned: Set<string>;
  /** Where each planned GPU went (itself, or its replacement): colocated servers follow it. */
  remap: Map<string, GpuCandidate>;
  /** GPUs found taken while locking, with who has them. */
  takenMeanwhile: Map<string, string>;
  warnings: string[];
}

const ROUNDS = 16;

function candidateOf(state: GpuReserving, gpu: ServerGpu): GpuCandidate {
  const known = state.candidates.find((each) => each.uuid === gpu.uuid) ?? { index: gpu.index, uuid: gpu.uuid, numa: null };
  const taken = state.takenMeanwhile.get(gpu.uuid);
  return taken ? { ...known, unusable: taken } : known;
}

function currentCandidates(state: GpuReserving): GpuCandidate[] {
  return state.candidates.map((gpu) => (state.takenMeanwhile.has(gpu.uuid) ? { ...gpu, unusable: state.takenMeanwhile.get(gpu.uuid) } : gpu));
}

/** The GPUs other servers of this launch have or are planned on, less this server's own planned ones. */
function takenByOthers(state: GpuReserving, own: readonly ServerGpu[]): Set<string> {
  const taken = new Set([...state.planned, ...[...state.remap.values()].map((gpu) => gpu.uuid)]);
  for (const gpu of own) taken.delete(gpu.uuid);
  return taken;
}

/** One server's GPUs, locked: its launch (rebuilt if they moved) and the leases it took. */
export function reserveServerGpus(state: GpuReserving, launch: ServerLaunch): Outcome<{ launch: ServerLaunch; leases: Lease[] }> {
  const followed = new Set([...state.remap.keys()]);
  for (let round = 0; round < ROUNDS; round++) {
    // A GPU an earlier (colocated) server of this launch moved goes where it went, already locked.
    const planned = launch.gpus.map((gpu) => state.remap.get(gpu.uuid) ?? candidateOf(state, gpu));
    const choice = chooseServerGpus(launch.server.index, planned, currentCandidates(state), takenByOthers(state, launch.gpus));
    if (!choice.ok) return refused(environmentRefusal(`${choice.message}; berth will not share a GPU with another launch`));
    const toLock = choice.gpus.filter((gpu, position) => !followed.has(launch.gpus[position]!.uuid));
    const locked = state.lock ? reserveGpus(state.registry, toLock.map((gpu) => gpu.uuid), state.holder) : { ok: true as const, gpus: [] };
    if (!locked.ok) {
      if (locked.fatal) return refused(environmentRefusal(locked.why));
      state.takenMeanwhile.set(locked.uuid, locked.why);
      continue;
    }
    launch.gpus.forEach((gpu, position) => state.remap.set(gpu.uuid, choice.gpus[position]!));
    if (choice.moves.length === 0) return succeeded({ launch, leases: locked.gpus });
    state.warnings.push(...describeGpuMoves(launch.server.index, choice.moves));
    return succeeded({ launch: state.rebuild(launch, choice.gpus.map(({ index, uuid }) => ({ index, uuid }))), leases: locked.gpus });
  }
  return refused(environmentRefusal(`the GPUs for server ${launch.server.index} kept being taken by other launches while berth locked them`));
}
