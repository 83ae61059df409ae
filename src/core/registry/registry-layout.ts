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

/**
 * Where a supervising berth keeps its servers' table for `berth status` (the manifest, rewritten as it runs):
 * named by its holder identity (pid namespace, pid, start time), so status reads it only for a holder its
 * locks show alive, and a file of a dead holder is known for a leftover.
 */
export function serverTableFileName(identity: { pid: number; startTicks: number; pidNamespace?: string }): string {
  return `servers-${identity.pidNamespace?.match(/\d+/)?.[0] ?? "0"}-${identity.pid}-${identity.startTicks}`;
}

export function isServerTableFileName(name: string): boolean {
  return /^servers-\d+-\d+-\d+$/.test(name);
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
  /** A --ttl holder's end. */
  expiresAt: v.optional(v.string()),
  /** The holder's host name (a container's own) and pid namespace ("pid:[4026531836]"): see holder-identity.ts. */
  host: v.optional(v.string()),
  /** The holder's container (12 hex), where its cgroup path names one. */
  container: v.optional(v.string()),
  pidNamespace: v.optional(v.string()),
});

export type LockRecord = v.InferOutput<typeof LockRecordSchema>;

/** Lock records are padded with spaces to a multiple of this, so a new holder rewrites in place. */
export const LOCK_RECORD_UNIT = 256;

/**
 * A lock file's bytes: the record as JSON, padded with spaces (which JSON.parse ignores) and a newline to a
 * multiple of LOCK_RECORD_UNIT bytes. Records of one length let the next holder write over the old one
 * without emptying the file first, which is what makes taking a lock cheap on a disk-backed /run.
 */
/**
 * The longest role and command a record keeps: a launch with a 100 KB command line must still be visible to
 * `berth status`, which reads at most 64 KiB of a lock file.
 */
export const LOCK_RECORD_TEXT_MAX = 4096;

function clip(text: string): string {
  return text.length <= LOCK_RECORD_TEXT_MAX ? text : `${text.slice(0, LOCK_RECORD_TEXT_MAX - 1)}…`;
}

export function encodeLockRecord(record: LockRecord): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ ...record, role: clip(record.role), command: clip(record.command) }));
  const length = Math.ceil((json.length + 1) / LOCK_RECORD_UNIT) * LOCK_RECORD_UNIT;
  const bytes = new Uint8Array(length).fill(0x20);
  bytes.set(json);
  bytes[length - 1] = 0x0a;
  return bytes;
}
