// Where berth looks for libnvidia-ml.so.1, in order. Absolute paths only: Bun's dlopen falls back to the
// working directory for a bare name, and a container's working directory must never plant a library.

export const NVML_SONAME = "libnvidia-ml.so.1";

export const NVML_DRIVER_DIRECTORIES = [
  "/usr/lib/x86_64-linux-gnu",
  "/usr/lib/aarch64-linux-gnu",
  "/usr/lib64",
  "/usr/lib",
  "/usr/local/nvidia/lib64",
  "/usr/local/nvidia/lib",
  "/usr/lib/wsl/lib",
] as const;

/**
 * Absolute paths of libnvidia-ml.so.1 named in /etc/ld.so.cache. The cache's string table holds each
 * library's full path as a NUL-terminated string, so scanning for them needs no knowledge of the header.
 */
export function nvmlPathsFromLdCache(cacheText: string): string[] {
  const paths: string[] = [];
  for (const entry of cacheText.split("\0")) {
    if (!entry.endsWith(`/${NVML_SONAME}`)) continue;
    const path = entry.slice(entry.indexOf("/")); // Header bytes may run into the first string.
    if (!paths.includes(path)) paths.push(path);
  }
  // 32-bit copies live beside the 64-bit one on multilib hosts; they cannot load into this process.
  return [...paths.filter((path) => !/\/(lib32|i386-linux-gnu)\//.test(path)), ...paths.filter((path) => /\/(lib32|i386-linux-gnu)\//.test(path))];
}

export type NvmlLibraryChoice =
  | { kind: "override"; path: string }
  | { kind: "bad-override"; value: string; reason: string }
  | { kind: "candidates"; paths: string[] };

/** BERTH_NVML_LIBRARY wins; otherwise the ldconfig cache, then the usual driver directories. */
export function nvmlLibraryCandidates(override: string | undefined, ldCacheText: string | undefined): NvmlLibraryChoice {
  if (override !== undefined && override !== "") {
    if (!override.startsWith("/")) {
      return { kind: "bad-override", value: override, reason: "it must be an absolute path, so the working directory can never supply the library" };
    }
    return { kind: "override", path: override };
  }
  const fromCache = ldCacheText === undefined ? [] : nvmlPathsFromLdCache(ldCacheText);
  const fromDirectories = NVML_DRIVER_DIRECTORIES.map((directory) => `${directory}/${NVML_SONAME}`);
  return { kind: "candidates", paths: [...fromCache, ...fromDirectories.filter((path) => !fromCache.includes(path))] };
}
