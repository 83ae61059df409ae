// The rendezvous store as berth uses it: one value per key under the job's prefix, claimed with a
// compare-and-set (so a rank has one owner), rewritten only by the writer that owns it, listed by prefix,
// removed, and closed when berth is done. Two kinds (directory-store.ts, etcd-store.ts), opened from a
// --rendezvous location. A store that cannot be used as it is (another user's directory, a symlink) throws
// StoreRefused; anything else thrown means unreachable for now, and callers retry within the grace.
// open-store.ts opens one; this file is the contract both kinds keep, and imports neither.

export interface StoredValue {
  key: string;
  value: string;
  /** The store's version of the value (a generation, an etcd revision): what a compare-and-set compares. */
  version: string;
}

/** A compare-and-set: the new version, or the value now there (undefined when there is none). */
export type StoreWrite = { ok: true; version: string } | { ok: false; current?: StoredValue };

export interface RendezvousStore {
  /** Where it is, for messages. */
  readonly where: string;
  /** Creates `key` if absent, or replaces exactly the version `replacing` (a dead owner's). */
  claim(key: string, value: string, replacing?: string, options?: { outlive?: boolean }): Promise<StoreWrite>;
  /**
   * Rewrites a key this writer holds at `version`. `outlive`: the value stays after this writer is gone (a
   * failure record), where a store ties keys to the writer's life (etcd's lease).
   */
  update(key: string, value: string, version: string, options?: { outlive?: boolean }): Promise<StoreWrite>;
  get(key: string): Promise<StoredValue | undefined>;
  /** Every key under the prefix, with its value. */
  list(prefix: string): Promise<StoredValue[]>;
  /** Removes a key (only at `version`, when given) or, for a prefix ending in "/", everything under it. */
  remove(key: string, version?: string): Promise<void>;
  /** Ends this writer's presence: etcd revokes its lease (its live keys go with it). */
  close(): Promise<void>;
}

/** The store cannot be used as it is; retrying will not help (exit 3). */
export class StoreRefused extends Error {}

export interface StoreOptions {
  /** A writer (berth run) may create the job's directory and holds an etcd lease; a reader (berth wait) does neither. */
  writer: boolean;
  /** --rendezvous-group: a directory store shared with this group on purpose. */
  sharedGid?: number;
  /** Told once per thing the store ignored (a record of another user, a symlink). */
  warn(message: string): void;
}
