// NVML struct layouts (native/nvml.h), read with DataView at fixed offsets. Little-endian LP64 only.

export const MEMORY_V1 = { size: 24, total: 0, free: 8, used: 16 } as const;
export const MEMORY_V2 = { size: 40, version: 0, versionValue: 0x02000028, total: 8, reserved: 16, free: 24, used: 32 } as const;
export const PCI_INFO_V3 = { size: 68, busIdLegacy: 0, domain: 16, bus: 20, device: 24, busId: 36, busIdLength: 32 } as const;
export const PROCESS_INFO_V1 = { size: 16, pid: 0, usedGpuMemory: 8 } as const;
export const PROCESS_INFO_V2 = { size: 24, pid: 0, usedGpuMemory: 8 } as const;

export const UUID_BUFFER = 96;
export const NAME_BUFFER = 96;
export const DRIVER_VERSION_BUFFER = 80;

/** NVML_VALUE_NOT_AVAILABLE: ULLONG_MAX, sent when a container may not see another process's memory. */
const NOT_AVAILABLE = 0xffffffffffffffffn;

export function readU64(view: DataView, offset: number): number {
  return Number(view.getBigUint64(offset, true));
}

export function readOptionalU64(view: DataView, offset: number): number | null {
  const value = view.getBigUint64(offset, true);
  return value === NOT_AVAILABLE ? null : Number(value);
}

/** A NUL-terminated string inside a buffer. */
export function readCString(bytes: Uint8Array, offset = 0, length = bytes.length - offset): string {
  const slice = bytes.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return new TextDecoder().decode(end === -1 ? slice : slice.subarray(0, end));
}
