// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../core/registry/registry-layout.ts";
import { listReservations, openRegistry } from "./registry.ts";

export async function gpuHolders(env: Record<string, string | undefined>): Promise<Map<string, LockRecord>> {
  const registry = await openRegistry(env);
  const holders = new Map<string, LockRecord>();
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  for (const reservation of await listReservations(registry.registry, ["gpu"])) {
    if (reservation.kind === "gpu") holders.set(reservation.id, reservation);
  }
  return holders;
}
