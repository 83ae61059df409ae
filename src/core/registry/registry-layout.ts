// The registry's names: where the directory lives and what each lock file is called.
import * as v from "valibot";

export type ReservationKind = "port" | "gpu";

export function lockFileName(kind: ReservationKind, id: string | number): string {
  return `${kind}-${id}`;
}

export function parseLockFileName(name: string): { kind: ReservationKind; id: string } | undefined {
  const match = /^(port|gpu)-(.+)$/.exec(name);
  return match ? { kind: match[1] as ReservationKind, id: match[2]! } : undefined;
}

/** UUIDs become file names, so only the characters NVML uses are allowed. */
export function isSafeGpuId(uuid: string): boolean {
  return /^(GPU|MIG)-[A-Za-z0-9-]{1,90}$/.test(uuid);
}

/** BERTH_REGISTRY_DIR, else /run/berth when writable, else $XDG_RUNTIME_DIR/berth, else /tmp/berth-<uid>. */
export function registryDirectoryCandidates(env: Record<string, string | undefined>, uid: number): { path: string; explicit: boolean }[] {
  if (env.BERTH_REGISTRY_DIR) return [{ path: env.BERTH_REGISTRY_DIR, explicit: true }];
  const candidates = [{ path: "/run/berth", explicit: false }];
  if (env.XDG_RUNTIME_DIR) candidates.push({ path: `${env.XDG_RUNTIME_DIR}/berth`, explicit: false });
  candidates.push({ path: `/tmp/berth-${uid}`, explicit: false });
  return candidates;
}

/** What a holder writes into its lock file; read back by `berth status`, so validated like any input. */
export const LockRecordSchema = v.object({
  pid: v.pipe(v.number(), v.integer(), v.minValue(1)),
  startTicks: v.number(),
  startedAt: v.string(),
  role: v.string(),
  command: v.string(),
});

export type LockRecord = v.InferOutput<typeof LockRecordSchema>;
