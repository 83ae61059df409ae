// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../../core/registry/registry-layout.ts";
import { isSafeGpuId, lockFileName } from "../../core/registry/registry-layout.ts";
import { heldFileLocks, openRegistry, reservationsIn } from "./registry.ts";

/** Who holds each of these GPUs (by UUID): only their lock files are looked at, however many others exist. */
export async function gpuHolders(env: Record<string, string | undefined>, uuids: readonly string[]): Promise<Map<string, LockRecord>> {
  const holders = new Map<string, LockRecord>();
  // No flock anywhere on the host means no berth holds anything: skip the registry (probe stays fast).
  const held = heldFileLocks();
  if (held.size === 0) return holders;
  const registry = await openRegistry(env);
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  const names = uuids.filter(isSafeGpuId).map((uuid) => lockFileName("gpu", uuid));
  for (const reservation of await reservationsIn(registry.registry, names, held)) {
    if (reservation.kind === "gpu") holders.set(reservation.id, reservation);
  }
  return holders;
}
