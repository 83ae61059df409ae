// This node's GPUs for launching: the visible ones from NVML, or N simulated ones where there is no NVML
// and --gpus-per-node says how many (machines without GPUs, the demo, tests).
import type { ServerGpu } from "../core/launch/launch-types.ts";
import { environmentRefusal, type Refusal } from "../core/refusal.ts";
import { probeVisibleGpus } from "./visible-gpus.ts";

export interface NodeGpus {
  gpus: ServerGpu[];
  simulated: boolean;
  /** Whether NVML supplied the count (no --gpus-per-node): then a spec that does not fit is the host's doing. */
  countFromHost: boolean;
  warnings: string[];
}

/** Stable UUID-shaped ids, so two berths on one GPU-less host still contend for the same simulated GPUs. */
export function simulatedGpu(index: number): ServerGpu {
  return { index, uuid: `GPU-5151e000-0000-4000-8000-${index.toString(16).padStart(12, "0")}` };
}

function simulatedGpus(count: number, warnings: string[] = []): NodeGpus {
  return { gpus: Array.from({ length: count }, (_, index) => simulatedGpu(index)), simulated: true, countFromHost: false, warnings };
}

export function nodeGpus(env: Record<string, string | undefined>, gpusPerNode: number | undefined, simulate: boolean): { ok: true; value: NodeGpus } | { ok: false; refusal: Refusal } {
  if (simulate) return { ok: true, value: simulatedGpus(gpusPerNode ?? 1) };
  const probe = probeVisibleGpus(env);
  if (!probe.ok) {
    if (probe.refusal.class === "bad-input") return probe;
    if (gpusPerNode === undefined) return { ok: false, refusal: environmentRefusal(`${probe.refusal.message}; pass --gpus-per-node N to run on N simulated GPUs`) };
    return { ok: true, value: simulatedGpus(gpusPerNode, [`no usable NVML (${probe.refusal.message.split(/[:;]/)[0]}); running on ${gpusPerNode} simulated GPUs`]) };
  }
  const visible = probe.visible.gpus;
  const count = gpusPerNode ?? visible.length;
  if (visible.length < count) {
    return { ok: false, refusal: environmentRefusal(`this node has ${visible.length} visible GPU(s) (${probe.visible.source}) but --gpus-per-node is ${count}`) };
  }
  const unusable = visible.slice(0, count).find((gpu) => gpu.uuid === null);
  if (unusable) return { ok: false, refusal: environmentRefusal(`GPU ${unusable.index} cannot be read (${unusable.error ?? "no UUID"}); berth cannot reserve it`) };
  const gpus = visible.slice(0, count).map((gpu) => ({ index: gpu.index, uuid: gpu.uuid! }));
  return { ok: true, value: { gpus, simulated: false, countFromHost: gpusPerNode === undefined, warnings: probe.visible.warnings } };
}
