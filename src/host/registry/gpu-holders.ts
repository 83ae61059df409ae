// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../../core/registry/registry-layout.ts";
import { isSafeGpuId, lockFileName, registryDirectoryCandidates } from "../../core/registry/registry-layout.ts";
import { geteuid, listDirectory } from "../../ffi/libc.ts";
import { heldFileLocks, openRegistry, reservationsIn } from "./registry.ts";

/** Whether any directory the registry could be in holds one of these lock files: looked at, never made. */
function anyLockFileIn(env: Record<string, string | undefined>, wanted: ReadonlySet<string>): boolean {
  return registryDirectoryCandidates(env, geteuid()).some(({ path }) => {
    const listed = listDirectory(path);
    return listed.ok && listed.value.entries.some(({ name }) => wanted.has(name));
  });
}

/** Who holds each of these GPUs (by UUID): only their lock files are looked at, however many others exist. */
export async function gpuHolders(env: Record<string, string | undefined>, uuids: readonly string[]): Promise<Map<string, LockRecord>> {
  const holders = new Map<string, LockRecord>();
  const wanted = new Set(uuids.filter(isSafeGpuId).map((uuid) => lockFileName("gpu", uuid)));
  // A GPU is held only through its lock file: without one there is no registry to open (probe makes none) and
  // nothing to ask /proc/locks, whose every read waits out an RCU grace period (10-25 ms, unless another read
  // was moments before).
  if (wanted.size === 0 || !anyLockFileIn(env, wanted)) return holders;
  const registry = await openRegistry(env);
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  const listed = listDirectory(registry.registry.directory);
  const names = listed.ok ? listed.value.entries.map((entry) => entry.name).filter((name) => wanted.has(name)) : [...wanted];
  if (names.length === 0) return holders;
  const held = heldFileLocks();
  if (held.size === 0) return holders;
  for (const reservation of await reservationsIn(registry.registry, names, held)) {
    if (reservation.kind === "gpu") holders.set(reservation.id, reservation);
  }
  return holders;
}
