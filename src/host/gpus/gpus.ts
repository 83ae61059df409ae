// NVML → the core's Gpu list: the only consumer of the Nvml interface.
import { NVML_RETURN, nvmlReturnName } from "../../core/gpu/nvml-return.ts";
import { parseNumaNode, sysfsPciAddress } from "../../core/gpu/pci.ts";
import type { Gpu } from "../../core/types.ts";
import { readSmallFile } from "../../ffi/libc.ts";
import type { Nvml, NvmlCall } from "../../ffi/nvml.ts";

export interface GpuInventory {
  driverVersion: string | null;
  /** As NVML reports it, e.g. 12080 for CUDA 12.8. */
  cudaDriverVersion: number | null;
  gpus: Gpu[];
  /** Which optional NVML features this driver lacks, for --json consumers and the note under the table. */
  missingFeatures: string[];
}

const valueOrNull = <T>(result: NvmlCall<T>): T | null => (result.ok ? result.value : null);

function numaFromSysfs(busId: string | null): number | null {
  const address = busId === null ? undefined : sysfsPciAddress(busId);
  return address === undefined ? null : parseNumaNode(readSmallFile(`/sys/bus/pci/devices/${address}/numa_node`));
}

function readGpu(nvml: Nvml, index: number): Gpu {
  const handle = nvml.device(index);
  if (!handle.ok) {
    return { index, uuid: null, name: null, memory: null, pciBusId: null, numaNode: null, migEnabled: null, processes: [], error: nvmlReturnName(handle.code) };
  }
  const device = handle.value;
  const pciBusId = valueOrNull(nvml.pciBusId(device));
  const numa = nvml.numaNode(device);
  const processes = nvml.computeProcesses(device);
  const gpu: Gpu = {
    index,
    uuid: valueOrNull(nvml.uuid(device)),
    name: valueOrNull(nvml.name(device)),
    memory: valueOrNull(nvml.memory(device)),
    pciBusId,
    numaNode: numa.ok ? numa.value : numaFromSysfs(pciBusId),
    migEnabled: valueOrNull(nvml.migEnabled(device)),
    processes: processes.ok ? processes.value : [],
  };
  if (!processes.ok && processes.code !== NVML_RETURN.ERROR_FUNCTION_NOT_FOUND) gpu.error = nvmlReturnName(processes.code);
  return gpu;
}

export function readGpuInventory(nvml: Nvml): { ok: true; inventory: GpuInventory } | { ok: false; code: number } {
  const count = nvml.deviceCount();
  if (!count.ok) return { ok: false, code: count.code };
  const gpus: Gpu[] = [];
  for (let index = 0; index < count.value; index++) gpus.push(readGpu(nvml, index));
  const missingFeatures = Object.entries(nvml.features)
    .filter(([, present]) => present === false || present === null)
    .map(([feature]) => feature);
  return {
    ok: true,
    inventory: { driverVersion: valueOrNull(nvml.driverVersion()), cudaDriverVersion: valueOrNull(nvml.cudaDriverVersion()), gpus, missingFeatures },
  };
}
