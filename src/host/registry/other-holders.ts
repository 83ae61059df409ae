// What `berth status` adds to its registry's records: reservations held by berths of other registries (seen
// through their kernel guards: another container's berth on this host network, a registry deleted under a
// live holder), and the process that really holds a lock whose recorded holder is gone (a daemon that an
// exec'd server forked before it exited). Both walk /proc, so status does it only when there is something to
// name.
import { parseGuardName } from "../../core/registry/kernel-guard-names.ts";
import { groupByHolder, type HeldLock, type HolderSummary } from "../../core/registry/holders.ts";
import { inOurPidNamespace } from "../../core/registry/holder-identity.ts";
import { readSmallFile } from "../../ffi/libc.ts";
import { pidsHoldingSockets, pidsHoldingTargets } from "../process/descriptor-owners.ts";
import { ownPidNamespace, startTicksOf } from "../process/self-process.ts";
import { guardsHeld } from "./kernel-guard.ts";
import type { HeldReservation } from "./registry.ts";

function commandOf(pid: number): string {
  return (readSmallFile(`/proc/${pid}/cmdline`) ?? "").split("\0").filter(Boolean).join(" ") || (readSmallFile(`/proc/${pid}/comm`)?.trim() ?? "?");
}

/** Reservations whose kernel guard is taken but which this registry has no record of, by holding process. */
export function holdersOutsideRegistry(known: readonly HeldReservation[]): HolderSummary[] {
  const recorded = new Set(known.map((entry) => `${entry.kind}/${entry.id}`));
  const outside = [...guardsHeld()].filter(([name]) => !recorded.has(name.slice("berth/".length)));
  if (outside.length === 0) return [];
  const owners = pidsHoldingSockets(new Set(outside.map(([, inode]) => inode)));
  const locks: HeldLock[] = outside.flatMap(([name, inode]) => {
    const parsed = parseGuardName(name);
    const pid = owners.get(inode) ?? 0;
    if (!parsed) return [];
    return [{ kind: parsed.kind, id: parsed.id, pid, startTicks: pid === 0 ? 0 : (startTicksOf(pid) ?? 0), startedAt: "", role: "outside this registry (its kernel guard)", command: pid === 0 ? "not visible from here" : commandOf(pid) }];
  });
  return groupByHolder(locks.sort((a, b) => (a.kind === b.kind ? (a.kind === "port" ? Number(a.id) - Number(b.id) : a.id < b.id ? -1 : 1) : a.kind < b.kind ? -1 : 1)));
}

/**
 * For holders in this pid namespace whose process is gone while their locks are still held: the process that
 * holds them now (the lock file's descriptor, inherited by what the holder forked).
 */
export function findKeepers(holders: HolderSummary[], registry: string, reservations: readonly HeldReservation[]): void {
  const ourNamespace = ownPidNamespace();
  const gone = holders.filter((holder) => inOurPidNamespace(holder, ourNamespace) && startTicksOf(holder.seenAsPid ?? holder.pid) === undefined);
  if (gone.length === 0) return;
  const pathOf = (holder: HolderSummary) => {
    const first = reservations.find((entry) => entry.pid === holder.pid && entry.startedAt === holder.startedAt);
    return first ? `${registry}/${first.kind}-${first.id}` : undefined;
  };
  const paths = new Map(gone.flatMap((holder) => {
    const path = pathOf(holder);
    return path ? [[path, holder] as const] : [];
  }));
  for (const [path, pid] of pidsHoldingTargets(new Set(paths.keys()))) {
    paths.get(path)!.keptBy = { pid, command: commandOf(pid) };
  }
}
