// The human view of `berth probe`: one row per visible GPU, with busy and MIG GPUs flagged.
import type { Gpu } from "../../core/types.ts";
import type { GpuInventory } from "../../host/gpus/gpus.ts";
import { renderTable } from "./table.ts";

const GIB = 1024 ** 3;

function gib(bytes: number): string {
  return `${(bytes / GIB).toFixed(1)}`;
}

type HeldBy = (uuid: string | null) => { pid: number; role: string } | null;

export function gpuFlags(gpu: Gpu, heldBy: HeldBy): string[] {
  const flags: string[] = [];
  const holder = heldBy(gpu.uuid);
  if (holder) flags.push(`HELD by berth pid ${holder.pid} (${holder.role})`);
  if (gpu.error) flags.push(gpu.error === "NVML_ERROR_NO_PERMISSION" ? "NO PERMISSION" : gpu.error);
  if (gpu.migEnabled) flags.push("MIG ON");
  if (gpu.processes.length > 0) flags.push(`BUSY: ${gpu.processes.length} process${gpu.processes.length === 1 ? "" : "es"} (pid ${gpu.processes.map((process) => process.pid).join(",")})`);
  return flags;
}

export function renderProbeTable(inventory: GpuInventory, gpus: readonly Gpu[], heldBy: HeldBy): string {
  const cuda = inventory.cudaDriverVersion === null ? "unknown" : `${Math.floor(inventory.cudaDriverVersion / 1000)}.${(inventory.cudaDriverVersion % 1000) / 10}`;
  let text = `driver ${inventory.driverVersion ?? "unknown"}, CUDA ${cuda}: ${gpus.length} of ${inventory.gpus.length} GPUs visible\n\n`;
  if (gpus.length === 0) return `${text}no GPUs visible\n`;
  text += renderTable(
    ["INDEX", "NAME", "UUID", "MEMORY USED/TOTAL GiB", "PCI BUS", "NUMA", "FLAGS"],
    gpus.map((gpu) => [
      String(gpu.index),
      gpu.name ?? "?",
      gpu.uuid ?? "?",
      gpu.memory ? `${gib(gpu.memory.used)} / ${gib(gpu.memory.total)}` : "?",
      gpu.pciBusId ?? "?",
      gpu.numaNode === null ? "-" : String(gpu.numaNode),
      gpuFlags(gpu, heldBy).join("; "),
    ]),
  );
  return text;
}
