// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../core/registry/registry-layout.ts";
import { heldFileLocks, listReservations, openRegistry } from "./registry.ts";

export async function gpuHolders(env: Record<string, string | undefined>): Promise<Map<string, LockRecord>> {
  const holders = new Map<string, LockRecord>();
  // No flock anywhere on the host means no berth holds anything: skip the registry (probe stays fast).
  const held = heldFileLocks();
  if (held.size === 0) return holders;
  const registry = await openRegistry(env);
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  for (const reservation of await listReservations(registry.registry, ["gpu"], held)) {
    if (reservation.kind === "gpu") holders.set(reservation.id, reservation);
  }
  return holders;
}
