// NVML through bun:ffi: a symbol table, a typed `Nvml` interface and its FFI implementation.
// Required symbols open together; optional and versioned ones are probed, and a missing one is a missing
// feature, never a crash. Loads by absolute path only (see core/gpu/nvml-library-search.ts).
import { dlopen, FFIType, ptr, type Pointer } from "bun:ffi";
import { NVML_RETURN } from "../core/gpu/nvml-return.ts";
import type { GpuProcess } from "../core/types.ts";
import {
  DRIVER_VERSION_BUFFER,
  MEMORY_V1,
  MEMORY_V2,
  NAME_BUFFER,
  PCI_INFO_V3,
  PROCESS_INFO_V1,
  PROCESS_INFO_V2,
  UUID_BUFFER,
  readCString,
  readOptionalU64,
  readU64,
} from "./nvml-structs.ts";

const { i32, u32, ptr: pointer } = FFIType;

const REQUIRED = {
  nvmlInit_v2: { args: [], returns: i32 },
  nvmlShutdown: { args: [], returns: i32 },
  nvmlSystemGetDriverVersion: { args: [pointer, u32], returns: i32 },
  nvmlDeviceGetCount_v2: { args: [pointer], returns: i32 },
  nvmlDeviceGetHandleByIndex_v2: { args: [u32, pointer], returns: i32 },
  nvmlDeviceGetUUID: { args: [pointer, pointer, u32], returns: i32 },
  nvmlDeviceGetName: { args: [pointer, pointer, u32], returns: i32 },
  nvmlDeviceGetMemoryInfo: { args: [pointer, pointer], returns: i32 },
  nvmlDeviceGetPciInfo_v3: { args: [pointer, pointer], returns: i32 },
} as const;

const OPTIONAL = {
  nvmlSystemGetCudaDriverVersion_v2: { args: [pointer], returns: i32 },
  nvmlDeviceGetMemoryInfo_v2: { args: [pointer, pointer], returns: i32 },
  nvmlDeviceGetNumaNodeId: { args: [pointer, pointer], returns: i32 },
  nvmlDeviceGetMigMode: { args: [pointer, pointer, pointer], returns: i32 },
  nvmlDeviceGetComputeRunningProcesses_v3: { args: [pointer, pointer, pointer], returns: i32 },
  nvmlDeviceGetComputeRunningProcesses_v2: { args: [pointer, pointer, pointer], returns: i32 },
  nvmlDeviceGetComputeRunningProcesses: { args: [pointer, pointer, pointer], returns: i32 },
} as const;

type OptionalName = keyof typeof OPTIONAL;
// any: bun:ffi's symbol functions are typed per table; the two tables are merged at run time.
type SymbolFunctions = Record<string, (...args: any[]) => any>;

export type NvmlCall<T> = { ok: true; value: T } | { ok: false; code: number };

export interface NvmlDevice {
  readonly index: number;
  readonly handle: Pointer;
}

export interface Nvml {
  readonly path: string;
  /** Optional symbols this library has; processes names the newest process-list call present. */
  readonly features: { memoryV2: boolean; numaNode: boolean; migMode: boolean; processes: "v3" | "v2" | "v1" | null; cudaDriverVersion: boolean };
  driverVersion(): NvmlCall<string>;
  cudaDriverVersion(): NvmlCall<number>;
  deviceCount(): NvmlCall<number>;
  device(index: number): NvmlCall<NvmlDevice>;
  uuid(device: NvmlDevice): NvmlCall<string>;
  name(device: NvmlDevice): NvmlCall<string>;
  memory(device: NvmlDevice): NvmlCall<{ total: number; used: number; free: number }>;
  pciBusId(device: NvmlDevice): NvmlCall<string>;
  numaNode(device: NvmlDevice): NvmlCall<number>;
  migEnabled(device: NvmlDevice): NvmlCall<boolean>;
  computeProcesses(device: NvmlDevice): NvmlCall<GpuProcess[]>;
  shutdown(): void;
}

const missing = <T>(): NvmlCall<T> => ({ ok: false, code: NVML_RETURN.ERROR_FUNCTION_NOT_FOUND });

function call<T>(code: number, value: () => T): NvmlCall<T> {
  return code === NVML_RETURN.SUCCESS ? { ok: true, value: value() } : { ok: false, code };
}

function openSymbols(path: string): { symbols: SymbolFunctions; present: Set<OptionalName>; close: () => void } {
  const required = dlopen(path, REQUIRED);
  const present = new Set<OptionalName>();
  const symbols: SymbolFunctions = { ...(required.symbols as SymbolFunctions) };
  const libraries: { close(): void }[] = [required];
  try {
    // Fast path: a current driver has every optional symbol.
    const optional = dlopen(path, OPTIONAL);
    libraries.push(optional);
    Object.assign(symbols, optional.symbols);
    for (const name of Object.keys(OPTIONAL) as OptionalName[]) present.add(name);
  } catch {
    // One missing symbol makes Bun's dlopen throw, so probe each on its own.
    for (const name of Object.keys(OPTIONAL) as OptionalName[]) {
      try {
        const single = dlopen(path, { [name]: OPTIONAL[name] } as Pick<typeof OPTIONAL, typeof name>);
        libraries.push(single);
        Object.assign(symbols, single.symbols);
        present.add(name);
      } catch {
        // Absent on this driver: the feature is reported as missing.
      }
    }
  }
  return { symbols, present, close: () => libraries.forEach((library) => library.close()) };
}

function readProcesses(list: (device: Pointer, count: Pointer, infos: Pointer | null) => number, device: Pointer, layout: { size: number; pid: number; usedGpuMemory: number }): NvmlCall<GpuProcess[]> {
  const count = new Uint32Array(1);
  // Ask for the count first, then fetch with headroom: processes may start between the two calls.
  for (let attempt = 0; attempt < 4; attempt++) {
    const capacity = count[0]! + 4;
    const buffer = new Uint8Array(capacity * layout.size);
    count[0] = capacity;
    const code = list(device, ptr(count), ptr(buffer));
    if (code === NVML_RETURN.ERROR_INSUFFICIENT_SIZE) continue;
    if (code !== NVML_RETURN.SUCCESS) return { ok: false, code };
    const view = new DataView(buffer.buffer);
    const processes: GpuProcess[] = [];
    for (let index = 0; index < count[0]!; index++) {
      const base = index * layout.size;
      processes.push({ pid: view.getUint32(base + layout.pid, true), usedMemory: readOptionalU64(view, base + layout.usedGpuMemory) });
    }
    return { ok: true, value: processes };
  }
  return { ok: false, code: NVML_RETURN.ERROR_INSUFFICIENT_SIZE };
}

/** The newest compute-process query this driver has, with the struct layout it fills. */
function processCallFor(present: ReadonlySet<string>) {
  if (present.has("nvmlDeviceGetComputeRunningProcesses_v3")) return { name: "nvmlDeviceGetComputeRunningProcesses_v3", version: "v3", layout: PROCESS_INFO_V2 } as const;
  if (present.has("nvmlDeviceGetComputeRunningProcesses_v2")) return { name: "nvmlDeviceGetComputeRunningProcesses_v2", version: "v2", layout: PROCESS_INFO_V2 } as const;
  if (present.has("nvmlDeviceGetComputeRunningProcesses")) return { name: "nvmlDeviceGetComputeRunningProcesses", version: "v1", layout: PROCESS_INFO_V1 } as const;
  return undefined;
}

/** v2 where present: v1's `used` counts memory the driver reserves (gpustat's lesson on drivers ≥ 515). */
function readMemory(nvml: ReturnType<typeof openSymbols>["symbols"], hasV2: boolean, device: NvmlDevice): NvmlCall<{ total: number; used: number; free: number }> {
  if (hasV2) {
    const buffer = new Uint8Array(MEMORY_V2.size);
    const view = new DataView(buffer.buffer);
    view.setUint32(MEMORY_V2.version, MEMORY_V2.versionValue, true);
    const code = nvml.nvmlDeviceGetMemoryInfo_v2!(device.handle, ptr(buffer));
    if (code === NVML_RETURN.SUCCESS) return { ok: true, value: { total: readU64(view, MEMORY_V2.total), used: readU64(view, MEMORY_V2.used), free: readU64(view, MEMORY_V2.free) } };
  }
  const buffer = new Uint8Array(MEMORY_V1.size);
  const view = new DataView(buffer.buffer);
  return call(nvml.nvmlDeviceGetMemoryInfo!(device.handle, ptr(buffer)), () => ({ total: readU64(view, MEMORY_V1.total), used: readU64(view, MEMORY_V1.used), free: readU64(view, MEMORY_V1.free) }));
}

export type NvmlOpen = { ok: true; nvml: Nvml } | { ok: false; code: number; detail?: string };

/** Loads the library at an absolute path and initializes NVML once. */
export function openNvml(path: string): NvmlOpen {
  if (!path.startsWith("/")) return { ok: false, code: NVML_RETURN.ERROR_LIBRARY_NOT_FOUND, detail: `refusing a relative library path ${path}` };
  let opened: ReturnType<typeof openSymbols>;
  try {
    opened = openSymbols(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, code: NVML_RETURN.ERROR_LIBRARY_NOT_FOUND, detail: `cannot load the NVML library ${path}: ${reason}` };
  }
  const { symbols: nvml, present } = opened;
  const initCode = nvml.nvmlInit_v2!() as number;
  if (initCode !== NVML_RETURN.SUCCESS) {
    opened.close();
    return { ok: false, code: initCode };
  }
  let shutDown = false;
  const processCall = processCallFor(present);

  const readString = (fill: (buffer: Uint8Array) => number, size: number): NvmlCall<string> => {
    const buffer = new Uint8Array(size);
    return call(fill(buffer), () => readCString(buffer));
  };

  const instance: Nvml = {
    path,
    features: {
      memoryV2: present.has("nvmlDeviceGetMemoryInfo_v2"),
      numaNode: present.has("nvmlDeviceGetNumaNodeId"),
      migMode: present.has("nvmlDeviceGetMigMode"),
      processes: processCall?.version ?? null,
      cudaDriverVersion: present.has("nvmlSystemGetCudaDriverVersion_v2"),
    },
    driverVersion: () => readString((buffer) => nvml.nvmlSystemGetDriverVersion!(ptr(buffer), buffer.length), DRIVER_VERSION_BUFFER),
    cudaDriverVersion() {
      if (!instance.features.cudaDriverVersion) return missing();
      const version = new Int32Array(1);
      return call(nvml.nvmlSystemGetCudaDriverVersion_v2!(ptr(version)), () => version[0]!);
    },
    deviceCount() {
      const count = new Uint32Array(1);
      return call(nvml.nvmlDeviceGetCount_v2!(ptr(count)), () => count[0]!);
    },
    device(index) {
      const handle = new BigUint64Array(1);
      return call(nvml.nvmlDeviceGetHandleByIndex_v2!(index, ptr(handle)), () => ({ index, handle: Number(handle[0]!) as Pointer }));
    },
    uuid: (device) => readString((buffer) => nvml.nvmlDeviceGetUUID!(device.handle, ptr(buffer), buffer.length), UUID_BUFFER),
    name: (device) => readString((buffer) => nvml.nvmlDeviceGetName!(device.handle, ptr(buffer), buffer.length), NAME_BUFFER),
    memory: (device) => readMemory(nvml, instance.features.memoryV2, device),
    pciBusId(device) {
      const buffer = new Uint8Array(PCI_INFO_V3.size);
      return call(nvml.nvmlDeviceGetPciInfo_v3!(device.handle, ptr(buffer)), () => readCString(buffer, PCI_INFO_V3.busId, PCI_INFO_V3.busIdLength));
    },
    numaNode(device) {
      if (!instance.features.numaNode) return missing();
      const node = new Uint32Array(1);
      return call(nvml.nvmlDeviceGetNumaNodeId!(device.handle, ptr(node)), () => node[0]!);
    },
    migEnabled(device) {
      if (!instance.features.migMode) return missing();
      const modes = new Uint32Array(2);
      return call(nvml.nvmlDeviceGetMigMode!(device.handle, ptr(modes), ptr(modes, 4)), () => modes[0] === 1);
    },
    computeProcesses(device) {
      if (!processCall) return missing();
      return readProcesses(nvml[processCall.name]! as never, device.handle, processCall.layout);
    },
    shutdown() {
      if (shutDown) return;
      shutDown = true;
      nvml.nvmlShutdown!();
      opened.close();
    },
  };
  return { ok: true, nvml: instance };
}
