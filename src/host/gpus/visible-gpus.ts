// The GPUs this process may use: NVML's inventory filtered and ordered by the visibility variables.
import { describeNvmlReturn } from "../../core/gpu/nvml-return.ts";
import { environmentRefusal, type Refusal } from "../../core/refusal.ts";
import { visibleGpus, type Visibility } from "../../core/visible.ts";
import type { Gpu } from "../../core/types.ts";
import { readGpuInventory, type GpuInventory } from "./gpus.ts";
import { loadNvml } from "./nvml-library.ts";

export type VisibleGpuProbe =
  | { ok: true; inventory: GpuInventory; visible: Visibility<Gpu> }
  | { ok: false; refusal: Refusal };

export function probeVisibleGpus(env: Record<string, string | undefined>): VisibleGpuProbe {
  const nvml = loadNvml(env);
  if (!nvml.ok) return { ok: false, refusal: nvml.refusal };
  const read = readGpuInventory(nvml.nvml);
  if (!read.ok) return { ok: false, refusal: environmentRefusal(`${describeNvmlReturn(read.code)} while counting GPUs`) };
  const visible = visibleGpus(read.inventory.gpus, {
    CUDA_VISIBLE_DEVICES: env.CUDA_VISIBLE_DEVICES,
    NVIDIA_VISIBLE_DEVICES: env.NVIDIA_VISIBLE_DEVICES,
    CUDA_DEVICE_ORDER: env.CUDA_DEVICE_ORDER,
  });
  return { ok: true, inventory: read.inventory, visible };
}
