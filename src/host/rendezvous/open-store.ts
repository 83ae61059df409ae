// Opens the store a --rendezvous location names: a shared directory or an etcd.
import type { RendezvousLocation } from "../../core/rendezvous/location.ts";
import { openDirectoryStore } from "./directory-store.ts";
import { openEtcdStore } from "./etcd-store.ts";
import type { RendezvousStore, StoreOptions } from "./store.ts";

export async function openStore(location: RendezvousLocation, job: string, options: StoreOptions): Promise<RendezvousStore> {
  return location.kind === "directory" ? openDirectoryStore(location.path, job, options) : openEtcdStore(location.endpoint, job, options);
}
