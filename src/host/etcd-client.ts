// etcd's v3 JSON API over HTTP with fetch (no gRPC dependency): the calls berth makes, keys and values in
// base64 as the API wants them, and a lease kept alive while berth runs (revoked at the end, or expiring
// ETCD_LEASE_TTL_S after a SIGKILLed berth stopped renewing it).
import { ETCD_KEEPALIVE_MS, ETCD_LEASE_TTL_S } from "../core/rendezvous/timing.ts";

export const toBase64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
export const fromBase64 = (encoded: string): string => Buffer.from(encoded, "base64").toString("utf8");

/** The key just past every key that starts with `prefix`: etcd's range_end for a prefix scan. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, "utf8");
  bytes[bytes.length - 1]! += 1;
  return bytes.toString("base64");
}

export async function etcdCall<T>(endpoint: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`etcd ${endpoint}${path} answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

export interface Lease {
  id: string;
  revoke(): Promise<void>;
}

export async function grantLease(endpoint: string): Promise<Lease> {
  const { ID: id } = await etcdCall<{ ID: string }>(endpoint, "/v3/lease/grant", { TTL: ETCD_LEASE_TTL_S });
  const keepalive = setInterval(() => void etcdCall(endpoint, "/v3/lease/keepalive", { ID: id }).catch(() => undefined), ETCD_KEEPALIVE_MS);
  return {
    id,
    async revoke() {
      clearInterval(keepalive);
      await etcdCall(endpoint, "/v3/lease/revoke", { ID: id }).catch(() => undefined);
    },
  };
}

/** Every key under a prefix, with its value. */
export async function rangeOf(endpoint: string, prefix: string): Promise<Map<string, string>> {
  const range = await etcdCall<{ kvs?: { key: string; value?: string }[] }>(endpoint, "/v3/kv/range", { key: toBase64(prefix), range_end: prefixEnd(prefix) });
  return new Map((range.kvs ?? []).map((kv) => [fromBase64(kv.key), fromBase64(kv.value ?? "")]));
}
