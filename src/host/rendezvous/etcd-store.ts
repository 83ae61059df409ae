// The rendezvous in a real etcd, through its v3 JSON API over HTTP with fetch (no gRPC dependency): keys are
// berth/<job>/<key>, every put carries this berth's lease, kept alive while it runs and revoked when it is
// done, so a SIGKILLed berth's keys vanish after the lease's TTL.
import { ETCD_LEASE_TTL_S, ETCD_KEEPALIVE_MS } from "../../core/rendezvous/timing.ts";
import type { RendezvousStore } from "./store.ts";

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const text = (encoded: string) => Buffer.from(encoded, "base64").toString("utf8");

/** The key just past every key that starts with `prefix`: etcd's range_end for a prefix scan. */
function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, "utf8");
  bytes[bytes.length - 1]! += 1;
  return bytes.toString("base64");
}

async function call<T>(endpoint: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`etcd ${endpoint}${path} answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

/** A writer (berth run) holds a lease; a reader (berth wait) does not. */
export async function openEtcdStore(endpoint: string, job: string, writer = true): Promise<RendezvousStore> {
  const root = `berth/${job}/`;
  const lease = writer ? await call<{ ID: string }>(endpoint, "/v3/lease/grant", { TTL: ETCD_LEASE_TTL_S }) : { ID: "0" };
  const keepalive = writer ? setInterval(() => void call(endpoint, "/v3/lease/keepalive", { ID: lease.ID }).catch(() => undefined), ETCD_KEEPALIVE_MS) : undefined;
  return {
    where: `${endpoint} ${root}`,
    expires: true,
    async put(key, value) {
      await call(endpoint, "/v3/kv/put", { key: base64(root + key), value: base64(value), ...(writer ? { lease: lease.ID } : {}) });
    },
    async list(prefix) {
      const range = await call<{ kvs?: { key: string; value: string }[] }>(endpoint, "/v3/kv/range", { key: base64(root + prefix), range_end: prefixEnd(root + prefix) });
      return new Map((range.kvs ?? []).map((kv) => [text(kv.key).slice(root.length), text(kv.value ?? "")]));
    },
    async remove(key) {
      await call(endpoint, "/v3/kv/deleterange", { key: base64(root + key) });
    },
    async close() {
      clearInterval(keepalive);
      if (writer) await call(endpoint, "/v3/lease/revoke", { ID: lease.ID }).catch(() => undefined);
    },
  };
}
