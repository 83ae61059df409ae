// Whether a visible GPU may take a server: one that another process computes on (what `berth probe` flags
// BUSY) would share memory and time with it, and one with MIG enabled cannot be handed out whole. Pure, so
// `run`, `exec` (which refuse) and `plan` (which warns) say the same thing.
import type { Gpu } from "../types.ts";

const GIB = 1024 ** 3;

function describeProcesses(gpu: Gpu): string {
  const each = gpu.processes.map((each) => (each.usedMemory === null ? `pid ${each.pid}` : `pid ${each.pid}, ${(each.usedMemory / GIB).toFixed(1)} GiB`));
  return `${gpu.processes.length} process${gpu.processes.length === 1 ? "" : "es"} (${each.join("; ")})`;
}

function name(gpu: Gpu): string {
  return `GPU ${gpu.index}${gpu.uuid ? ` (${gpu.uuid})` : ""}`;
}

/** Why this GPU should not take a server, or undefined when it is free to use. */
export function gpuInUse(gpu: Gpu): { mig: boolean; why: string } | undefined {
  if (gpu.migEnabled) return { mig: true, why: `${name(gpu)} has MIG enabled; berth hands out whole GPUs, so disable MIG or hide this GPU with CUDA_VISIBLE_DEVICES` };
  if (gpu.processes.length > 0) return { mig: false, why: `${name(gpu)} is busy: in use by ${describeProcesses(gpu)}` };
  return undefined;
}
