// `berth status --json` gives holders with port ranges; tests often want one entry per lock.
export interface StatusLock {
  kind: "port" | "gpu";
  id: number | string;
  pid: number;
  role: string;
  command: string;
  startedAt: string;
  expiresAt?: string;
}

interface StatusHolder {
  pid: number;
  role: string;
  command: string;
  startedAt: string;
  expiresAt?: string;
  ports: { first: number; last: number }[];
  gpus: string[];
}

/** Every lock in a parsed `berth status --json`, expanded from each holder's ranges. */
export function locksOf(status: { holders: StatusHolder[] }): StatusLock[] {
  return status.holders.flatMap(({ ports, gpus, ...holder }) => [
    ...ports.flatMap((range) => Array.from({ length: range.last - range.first + 1 }, (_, offset) => ({ kind: "port" as const, id: range.first + offset, ...holder }))),
    ...gpus.map((uuid) => ({ kind: "gpu" as const, id: uuid, ...holder })),
  ]);
}
