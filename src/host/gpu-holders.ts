// Which GPUs another berth holds on this host, by UUID, for `probe` and `plan` to show.
import type { LockRecord } from "../core/registry/registry-layout.ts";
import { listReservations, openRegistry } from "./registry.ts";

export function gpuHolders(env: Record<string, string | undefined>): Map<string, LockRecord> {
  const registry = openRegistry(env);
  const holders = new Map<string, LockRecord>();
  if (!registry.ok) return holders; // Nothing can be held where there is no registry.
  for (const reservation of listReservations(registry.registry)) {
    if (reservation.kind === "gpu") holders.set(reservation.id, reservation);
  }
  return holders;
}
