// The rendezvous store as berth uses it: one value per key under the job's prefix, written whole, listed by
// prefix, removed, and closed when berth is done. Two kinds (directory-store.ts, etcd-store.ts), opened
// from a --rendezvous location.
import type { RendezvousLocation } from "../../core/rendezvous/location.ts";
import { openDirectoryStore } from "./directory-store.ts";
import { openEtcdStore } from "./etcd-store.ts";

export interface RendezvousStore {
  /** Where it is, for messages. */
  readonly where: string;
  /** Whether a dead writer's keys disappear by themselves (etcd leases), or only stop being refreshed. */
  readonly expires: boolean;
  put(key: string, value: string): Promise<void>;
  /** Every key under the prefix, with its value. */
  list(prefix: string): Promise<Map<string, string>>;
  remove(key: string): Promise<void>;
  /** Ends this writer's presence: etcd revokes its lease (its keys go with it). */
  close(): Promise<void>;
}

export async function openStore(location: RendezvousLocation, job: string, writer: boolean): Promise<RendezvousStore> {
  return location.kind === "directory" ? openDirectoryStore(location.path, job) : openEtcdStore(location.endpoint, job, writer);
}
