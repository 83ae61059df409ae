// This node's GPUs for launching: the visible ones from NVML, or N simulated ones when asked for
// (--simulate, the demo). Simulation needs that consent: without NVML berth would otherwise run real
// engines on fake UUIDs with no real GPU locks. The plan is cut from the first G; every visible GPU is a
// candidate for a server whose planned GPU is taken, and one that is busy, in MIG mode or unreadable says
// why no server may have it (host/node/reserve-gpus.ts moves a server off it).
import { gpuInUse } from "../../core/gpu/gpu-in-use.ts";
import type { ServerGpu } from "../../core/launch/launch-types.ts";
import type { GpuCandidate } from "../../core/launch/gpu-choice.ts";
import { badInput, environmentRefusal, type Refusal } from "../../core/refusal.ts";
import type { Gpu } from "../../core/types.ts";
import { probeVisibleGpus } from "./visible-gpus.ts";

export interface NodeGpus {
  /** The first G: what the plan is cut from. */
  gpus: ServerGpu[];
  /** Every visible GPU a server could be given, with why it cannot where it cannot. */
  candidates: GpuCandidate[];
  simulated: boolean;
  /** Whether NVML supplied the count (no --gpus-per-node): then a spec that does not fit is the host's doing. */
  countFromHost: boolean;
  warnings: string[];
}

export interface GpuChoice {
  gpusPerNode?: number;
  /** Consent to simulated GPUs (--simulate, the demo). */
  simulate: boolean;
  /** --allow-busy-gpus: GPUs other processes compute on may take servers (with a warning). */
  allowBusy: boolean;
}

type NodeGpusOutcome = { ok: true; value: NodeGpus } | { ok: false; refusal: Refusal };

/** Stable UUID-shaped ids, so two berths on one GPU-less host still contend for the same simulated GPUs. */
export function simulatedGpu(index: number): ServerGpu {
  return { index, uuid: `GPU-5151e000-0000-4000-8000-${index.toString(16).padStart(12, "0")}` };
}

function simulatedGpus(count: number): NodeGpus {
  const gpus = Array.from({ length: count }, (_, index) => simulatedGpu(index));
  return { gpus, candidates: gpus.map((gpu) => ({ ...gpu, numa: null })), simulated: true, countFromHost: false, warnings: [] };
}

/** Why no server may have this GPU: MIG always, busy unless allowed (then a warning), unreadable. */
function candidateOf(gpu: Gpu, allowBusy: boolean, warnings: string[]): GpuCandidate {
  const base = { index: gpu.index, uuid: gpu.uuid ?? `unreadable-${gpu.index}`, numa: gpu.numaNode };
  if (gpu.uuid === null) return { ...base, unusable: `unreadable (${gpu.error ?? "no UUID"})` };
  const inUse = gpuInUse(gpu);
  if (!inUse) return base;
  if (inUse.mig) return { ...base, unusable: "in MIG mode (berth hands out whole GPUs)" };
  if (!allowBusy) return { ...base, unusable: inUse.why.replace(/^GPU \d+ \([^)]*\) is /, "") };
  warnings.push(`${inUse.why}; a server may be put beside it (--allow-busy-gpus)`);
  return base;
}

export function nodeGpus(env: Record<string, string | undefined>, choice: GpuChoice): NodeGpusOutcome {
  if (choice.simulate) {
    if (choice.gpusPerNode === undefined) return { ok: false, refusal: badInput("--simulate needs --gpus-per-node N: how many simulated GPUs this node has") };
    return { ok: true, value: simulatedGpus(choice.gpusPerNode) };
  }
  const probe = probeVisibleGpus(env);
  if (!probe.ok) {
    if (probe.refusal.kind === "bad-input") return probe;
    const count = choice.gpusPerNode === undefined ? "N" : String(choice.gpusPerNode);
    return { ok: false, refusal: environmentRefusal(`${probe.refusal.message}; berth will not run engines on GPUs it cannot see: pass --simulate --gpus-per-node ${count} to run on ${count} simulated GPU(s) (fake UUIDs, no GPU locks)`) };
  }
  const visible = probe.visible.gpus;
  if (visible.length === 0) {
    const why = env.CUDA_VISIBLE_DEVICES === "" ? "CUDA_VISIBLE_DEVICES is set but empty, so no GPU is visible (as CUDA would see none): unset it, or name the GPUs" : `no GPU is visible (${probe.visible.source})`;
    return { ok: false, refusal: environmentRefusal(`${why}; berth runs engines only on GPUs it can see (--simulate --gpus-per-node N runs on simulated ones)`) };
  }
  const count = choice.gpusPerNode ?? visible.length;
  if (visible.length < count) {
    return { ok: false, refusal: environmentRefusal(`this node has ${visible.length} visible GPU(s) (${probe.visible.source}) but --gpus-per-node is ${count}`) };
  }
  const warnings = [...probe.visible.warnings];
  const candidates = visible.map((gpu) => candidateOf(gpu, choice.allowBusy, warnings));
  const gpus = candidates.slice(0, count).map(({ index, uuid }) => ({ index, uuid }));
  return { ok: true, value: { gpus, candidates, simulated: false, countFromHost: choice.gpusPerNode === undefined, warnings } };
}
