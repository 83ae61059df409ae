// The rendezvous in a real etcd (host/etcd/): keys are berth/<job>/<key>. A writer's keys carry its lease,
// so a SIGKILLed berth's keys vanish after the lease's TTL; a lease lost while berth lives is replaced
// (kept-lease.ts) and the owner's next update finds its key gone and claims it again. Claims and updates
// are transactions on the key's revision: a rank has one owner.
import { deleteKey, deletePrefix, getKey, putIf, rangeOf, type KeyValue } from "../etcd/etcd-client.ts";
import { keepLease, type KeptLease } from "../etcd/kept-lease.ts";
import type { RendezvousStore, StoredValue, StoreOptions, StoreWrite } from "./store.ts";

function stored(root: string, kv: KeyValue): StoredValue {
  return { key: kv.key.slice(root.length), value: kv.value, version: kv.revision };
}

export async function openEtcdStore(endpoint: string, job: string, options: StoreOptions): Promise<RendezvousStore> {
  const root = `berth/${job}/`;
  const lease: KeptLease | undefined = options.writer ? keepLease(endpoint) : undefined;
  const put = async (key: string, value: string, expected: { absent: true } | { revision: string }, outlive: boolean): Promise<StoreWrite> => {
    const attempt = (leaseId: string | undefined) => putIf(endpoint, root + key, value, expected, leaseId);
    const result = lease && !outlive ? await lease.withLease(attempt) : await attempt(undefined);
    return result.ok ? { ok: true, version: result.revision } : { ok: false, current: result.current && stored(root, result.current) };
  };
  return {
    where: `etcd ${endpoint} ${root}`,
    claim: (key, value, replacing, claimOptions) => put(key, value, replacing === undefined ? { absent: true } : { revision: replacing }, claimOptions?.outlive ?? false),
    update: (key, value, version, updateOptions) => put(key, value, { revision: version }, updateOptions?.outlive ?? false),
    async get(key) {
      const kv = await getKey(endpoint, root + key);
      return kv && stored(root, kv);
    },
    async list(prefix) {
      return (await rangeOf(endpoint, root + prefix)).map((kv) => stored(root, kv));
    },
    async remove(key, version) {
      if (key.endsWith("/")) await deletePrefix(endpoint, root + key);
      else await deleteKey(endpoint, root + key, version);
    },
    async close() {
      await lease?.revoke();
    },
  };
}
