// This node's GPUs for launching: the visible ones from NVML, or N simulated ones where there is no NVML
// and --gpus-per-node says how many (machines without GPUs, the demo, tests).
import type { ServerGpu } from "../core/launch/launch-types.ts";
import { probeVisibleGpus } from "./visible-gpus.ts";

export type NodeGpus = { ok: true; gpus: ServerGpu[]; simulated: boolean; warnings: string[] } | { ok: false; message: string; badInput: boolean };

/** Stable UUID-shaped ids, so two berths on one GPU-less host still contend for the same simulated GPUs. */
export function simulatedGpu(index: number): ServerGpu {
  return { index, uuid: `GPU-5151e000-0000-4000-8000-${index.toString(16).padStart(12, "0")}` };
}

export function nodeGpus(env: Record<string, string | undefined>, gpusPerNode: number | undefined, simulate: boolean): NodeGpus {
  if (simulate) {
    const count = gpusPerNode ?? 1;
    return { ok: true, gpus: Array.from({ length: count }, (_, index) => simulatedGpu(index)), simulated: true, warnings: [] };
  }
  const probe = probeVisibleGpus(env);
  if (!probe.ok) {
    if (probe.badInput || gpusPerNode === undefined) return { ok: false, badInput: probe.badInput, message: gpusPerNode === undefined ? `${probe.message}; pass --gpus-per-node N to run on N simulated GPUs` : probe.message };
    const simulated = nodeGpus(env, gpusPerNode, true);
    if (simulated.ok) simulated.warnings.push(`no usable NVML (${probe.message.split(/[:;]/)[0]}); running on ${gpusPerNode} simulated GPUs`);
    return simulated;
  }
  const visible = probe.visible.gpus;
  const count = gpusPerNode ?? visible.length;
  if (visible.length < count) {
    return { ok: false, badInput: false, message: `this node has ${visible.length} visible GPU(s) (${probe.visible.source}) but --gpus-per-node is ${count}` };
  }
  const unusable = visible.slice(0, count).find((gpu) => gpu.uuid === null);
  if (unusable) return { ok: false, badInput: false, message: `GPU ${unusable.index} cannot be read (${unusable.error ?? "no UUID"}); berth cannot reserve it` };
  return { ok: true, gpus: visible.slice(0, count).map((gpu) => ({ index: gpu.index, uuid: gpu.uuid! })), simulated: false, warnings: probe.visible.warnings };
}
