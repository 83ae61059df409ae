// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../../core/registry/registry-layout.ts";
import { isSafeGpuId, lockFileName } from "../../core/registry/registry-layout.ts";
import { listDirectory } from "../../ffi/libc.ts";
import { heldFileLocks, openRegistry, reservationsIn } from "./registry.ts";

/** Who holds each of these GPUs (by UUID): only their lock files are looked at, however many others exist. */
export async function gpuHolders(env: Record<string, string | undefined>, uuids: readonly string[]): Promise<Map<string, LockRecord>> {
  const holders = new Map<string, LockRecord>();
  const wanted = new Set(uuids.filter(isSafeGpuId).map((uuid) => lockFileName("gpu", uuid)));
  if (wanted.size === 0) return holders;
  const registry = await openRegistry(env);
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  // A GPU is held only through its lock file: without one for these GPUs there is nothing to ask /proc/locks,
  // whose every read waits out an RCU grace period in the kernel (10-25 ms, unless another read was moments before).
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
