// NVML return codes by name, known even when the library cannot load (as go-nvml keeps them).

export const NVML_RETURN = {
  SUCCESS: 0,
  ERROR_UNINITIALIZED: 1,
  ERROR_INVALID_ARGUMENT: 2,
  ERROR_NOT_SUPPORTED: 3,
  ERROR_NO_PERMISSION: 4,
  ERROR_NOT_FOUND: 6,
  ERROR_INSUFFICIENT_SIZE: 7,
  ERROR_DRIVER_NOT_LOADED: 9,
  ERROR_LIBRARY_NOT_FOUND: 12,
  ERROR_FUNCTION_NOT_FOUND: 13,
  ERROR_GPU_IS_LOST: 15,
  ERROR_LIB_RM_VERSION_MISMATCH: 18,
  ERROR_ARGUMENT_VERSION_MISMATCH: 25,
  ERROR_GPU_NOT_FOUND: 28,
  ERROR_UNKNOWN: 999,
} as const;

const WORDS: Record<number, string> = {
  1: "NVML was not initialized",
  2: "invalid argument",
  3: "not supported by this GPU or driver",
  4: "no permission",
  6: "not found",
  7: "buffer too small",
  9: "NVIDIA driver not loaded",
  12: "NVML library not found",
  13: "function not found in this NVML library",
  15: "GPU is lost",
  18: "NVML library and kernel driver versions differ (reboot or reload the driver)",
  25: "structure version mismatch",
  28: "GPU not found",
  999: "unknown NVML error",
};

export function nvmlReturnName(code: number): string {
  const entry = Object.entries(NVML_RETURN).find(([, value]) => value === code);
  return entry ? `NVML_${entry[0]}` : `NVML_ERROR_${code}`;
}

/** "NVIDIA driver not loaded (NVML error 9)" */
export function describeNvmlReturn(code: number): string {
  return `${WORDS[code] ?? "unrecognized NVML error"} (NVML error ${code})`;
}
