// NVML return codes by name, known even when the library cannot load (as go-nvml keeps them).

/** Each return code berth knows: its name (NVML_<name>) and, in words, what it means. One table for both. */
const RETURNS = {
  SUCCESS: { code: 0, words: "success" },
  ERROR_UNINITIALIZED: { code: 1, words: "NVML was not initialized" },
  ERROR_INVALID_ARGUMENT: { code: 2, words: "invalid argument" },
  ERROR_NOT_SUPPORTED: { code: 3, words: "not supported by this GPU or driver" },
  ERROR_NO_PERMISSION: { code: 4, words: "no permission" },
  ERROR_NOT_FOUND: { code: 6, words: "not found" },
  ERROR_INSUFFICIENT_SIZE: { code: 7, words: "buffer too small" },
  ERROR_DRIVER_NOT_LOADED: { code: 9, words: "NVIDIA driver not loaded" },
  ERROR_LIBRARY_NOT_FOUND: { code: 12, words: "NVML library not found" },
  ERROR_FUNCTION_NOT_FOUND: { code: 13, words: "function not found in this NVML library" },
  ERROR_GPU_IS_LOST: { code: 15, words: "GPU is lost" },
  ERROR_LIB_RM_VERSION_MISMATCH: { code: 18, words: "NVML library and kernel driver versions differ (reboot or reload the driver)" },
  ERROR_ARGUMENT_VERSION_MISMATCH: { code: 25, words: "structure version mismatch" },
  ERROR_GPU_NOT_FOUND: { code: 28, words: "GPU not found" },
  ERROR_UNKNOWN: { code: 999, words: "unknown NVML error" },
} as const;

type ReturnName = keyof typeof RETURNS;

export const NVML_RETURN = Object.fromEntries(Object.entries(RETURNS).map(([name, entry]) => [name, entry.code])) as { readonly [Name in ReturnName]: (typeof RETURNS)[Name]["code"] };

const BY_CODE = new Map<number, { name: string; words: string }>(Object.entries(RETURNS).map(([name, entry]) => [entry.code, { name, words: entry.words }]));

export function nvmlReturnName(code: number): string {
  const entry = BY_CODE.get(code);
  return entry ? `NVML_${entry.name}` : `NVML_ERROR_${code}`;
}

/** "NVIDIA driver not loaded (NVML error 9)" */
export function describeNvmlReturn(code: number): string {
  return `${BY_CODE.get(code)?.words ?? "unrecognized NVML error"} (NVML error ${code})`;
}
