// This node's GPUs for launching: the visible ones from NVML, or N simulated ones when asked for
// (--simulate, the demo). Simulation needs that consent: without NVML berth would otherwise run real
// engines on fake UUIDs with no real GPU locks. A visible GPU that is busy or in MIG mode is refused.
import { gpuInUse } from "../../core/gpu/gpu-in-use.ts";
import type { ServerGpu } from "../../core/launch/launch-types.ts";
import { badInput, environmentRefusal, type Refusal } from "../../core/refusal.ts";
import type { Gpu } from "../../core/types.ts";
import { probeVisibleGpus } from "./visible-gpus.ts";

export interface NodeGpus {
  gpus: ServerGpu[];
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
  return { gpus: Array.from({ length: count }, (_, index) => simulatedGpu(index)), simulated: true, countFromHost: false, warnings: [] };
}

/** MIG GPUs are refused; busy ones too unless allowed, and then each gets a warning. */
function checkInUse(chosen: readonly Gpu[], allowBusy: boolean, warnings: string[]): Refusal | undefined {
  for (const gpu of chosen) {
    const inUse = gpuInUse(gpu);
    if (!inUse) continue;
    if (inUse.mig) return environmentRefusal(inUse.why);
    if (!allowBusy) return environmentRefusal(`${inUse.why}; berth will not put a server beside it (pass --allow-busy-gpus to use it anyway)`);
    warnings.push(`${inUse.why}; using it anyway (--allow-busy-gpus)`);
  }
  return undefined;
}

export function nodeGpus(env: Record<string, string | undefined>, choice: GpuChoice): NodeGpusOutcome {
  if (choice.simulate) {
    if (choice.gpusPerNode === undefined) return { ok: false, refusal: badInput("--simulate needs --gpus-per-node N: how many simulated GPUs this node has") };
    return { ok: true, value: simulatedGpus(choice.gpusPerNode) };
  }
  const probe = probeVisibleGpus(env);
  if (!probe.ok) {
    if (probe.refusal.class === "bad-input") return probe;
    const count = choice.gpusPerNode === undefined ? "N" : String(choice.gpusPerNode);
    return { ok: false, refusal: environmentRefusal(`${probe.refusal.message}; berth will not run engines on GPUs it cannot see: pass --simulate --gpus-per-node ${count} to run on ${count} simulated GPU(s) (fake UUIDs, no GPU locks)`) };
  }
  const visible = probe.visible.gpus;
  const count = choice.gpusPerNode ?? visible.length;
  if (visible.length < count) {
    return { ok: false, refusal: environmentRefusal(`this node has ${visible.length} visible GPU(s) (${probe.visible.source}) but --gpus-per-node is ${count}`) };
  }
  const chosen = visible.slice(0, count);
  const unusable = chosen.find((gpu) => gpu.uuid === null);
  if (unusable) return { ok: false, refusal: environmentRefusal(`GPU ${unusable.index} cannot be read (${unusable.error ?? "no UUID"}); berth cannot reserve it`) };
  const warnings = [...probe.visible.warnings];
  const inUse = checkInUse(chosen, choice.allowBusy, warnings);
  if (inUse) return { ok: false, refusal: inUse };
  const gpus = chosen.map((gpu) => ({ index: gpu.index, uuid: gpu.uuid! }));
  return { ok: true, value: { gpus, simulated: false, countFromHost: choice.gpusPerNode === undefined, warnings } };
}
