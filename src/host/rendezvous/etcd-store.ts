// The rendezvous in a real etcd (host/etcd-client.ts): keys are berth/<job>/<key>; a writer's puts carry its
// lease, so a SIGKILLed berth's keys vanish after the lease's TTL.
import { etcdCall, grantLease, rangeOf, toBase64, type Lease } from "../etcd-client.ts";
import type { RendezvousStore } from "./store.ts";

/** A writer (berth run) holds a lease; a reader (berth wait) does not. */
export async function openEtcdStore(endpoint: string, job: string, writer = true): Promise<RendezvousStore> {
  const root = `berth/${job}/`;
  const lease: Lease | undefined = writer ? await grantLease(endpoint) : undefined;
  return {
    where: `${endpoint} ${root}`,
    expires: true,
    async put(key, value) {
      await etcdCall(endpoint, "/v3/kv/put", { key: toBase64(root + key), value: toBase64(value), ...(lease ? { lease: lease.id } : {}) });
    },
    async list(prefix) {
      const found = await rangeOf(endpoint, root + prefix);
      return new Map([...found].map(([key, value]) => [key.slice(root.length), value]));
    },
    async remove(key) {
      await etcdCall(endpoint, "/v3/kv/deleterange", { key: toBase64(root + key) });
    },
    async close() {
      await lease?.revoke();
    },
  };
}
