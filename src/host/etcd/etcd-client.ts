// etcd's v3 JSON API over HTTP with fetch (no gRPC dependency): the calls berth makes, keys and values in
// base64 as the API wants them, and failures in berth's own words: EtcdUnreachable when nothing (or nothing
// in time) answered, which callers retry; EtcdAnswer when etcd answered with an error.
export const toBase64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");
export const fromBase64 = (encoded: string): string => Buffer.from(encoded, "base64").toString("utf8");

/** How long one call may take before etcd counts as unreachable. */
export const ETCD_CALL_TIMEOUT_MS = 5000;

export class EtcdUnreachable extends Error {}

/** etcd answered, with an error (a lost lease, a bad request): `code` is the gRPC status code. */
export class EtcdAnswer extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
  }
}

/** The key just past every key that starts with `prefix`: etcd's range_end for a prefix scan. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix, "utf8");
  bytes[bytes.length - 1]! += 1;
  return bytes.toString("base64");
}

/** Bun's fetch errors, said plainly (its own wording asks whether "the computer" can reach the URL). */
function describeFetchError(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  if (code === "ConnectionRefused" || code === "ECONNREFUSED") return "connection refused";
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${ETCD_CALL_TIMEOUT_MS / 1000}s`;
  if (code === "ConnectionClosed" || code === "ECONNRESET") return "the connection was closed";
  if (code === "ENOTFOUND" || code === "FailedToResolveHostname" || code === "DNSException") return "its host name does not resolve";
  return code ?? (error instanceof Error ? error.message.replace(/\. Is the computer able to access the url\?$/, "") : String(error));
}

export async function etcdCall<T>(endpoint: string, path: string, body: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}${path}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(ETCD_CALL_TIMEOUT_MS) });
  } catch (error) {
    throw new EtcdUnreachable(`cannot reach etcd at ${endpoint}: ${describeFetchError(error)}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new EtcdUnreachable(`cannot reach etcd at ${endpoint}: ${describeFetchError(error)}`);
  }
  if (response.ok) return JSON.parse(text) as T;
  if (response.status >= 500 && response.status !== 501) throw new EtcdUnreachable(`etcd at ${endpoint} is unavailable (HTTP ${response.status})`);
  let answer: { error?: string; message?: string; code?: number } = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // not JSON: said below as it came
  }
  throw new EtcdAnswer(`etcd at ${endpoint} answered ${path} with HTTP ${response.status}: ${(answer.message ?? answer.error ?? text).slice(0, 200)}`, answer.code);
}

export interface KeyValue {
  key: string;
  value: string;
  /** etcd's mod_revision of the key: its version for compare-and-set. */
  revision: string;
}

type RawKv = { key: string; value?: string; mod_revision?: string };

function decode(kv: RawKv): KeyValue {
  return { key: fromBase64(kv.key), value: fromBase64(kv.value ?? ""), revision: kv.mod_revision ?? "0" };
}

/** Every key under a prefix, with its value and revision. */
export async function rangeOf(endpoint: string, prefix: string): Promise<KeyValue[]> {
  const range = await etcdCall<{ kvs?: RawKv[] }>(endpoint, "/v3/kv/range", { key: toBase64(prefix), range_end: prefixEnd(prefix) });
  return (range.kvs ?? []).map(decode);
}

export async function getKey(endpoint: string, key: string): Promise<KeyValue | undefined> {
  const range = await etcdCall<{ kvs?: RawKv[] }>(endpoint, "/v3/kv/range", { key: toBase64(key) });
  return range.kvs?.[0] === undefined ? undefined : decode(range.kvs[0]);
}

export type Expectation = { absent: true } | { revision: string };

/**
 * Puts `value` at `key` only if the key is as expected (absent, or at that revision): the new revision, or
 * the key as it is now (undefined when absent) when another writer got there first.
 */
export async function putIf(endpoint: string, key: string, value: string, expected: Expectation, lease: string | undefined): Promise<{ ok: true; revision: string } | { ok: false; current?: KeyValue }> {
  const compare = "absent" in expected ? { key: toBase64(key), result: "EQUAL", target: "CREATE", create_revision: "0" } : { key: toBase64(key), result: "EQUAL", target: "MOD", mod_revision: expected.revision };
  const answer = await etcdCall<{ header?: { revision?: string }; succeeded?: boolean; responses?: { response_range?: { kvs?: RawKv[] } }[] }>(endpoint, "/v3/kv/txn", {
    compare: [compare],
    success: [{ request_put: { key: toBase64(key), value: toBase64(value), ...(lease ? { lease } : {}) } }],
    failure: [{ request_range: { key: toBase64(key) } }],
  });
  if (answer.succeeded) return { ok: true, revision: answer.header?.revision ?? "0" };
  const kv = answer.responses?.[0]?.response_range?.kvs?.[0];
  return { ok: false, current: kv === undefined ? undefined : decode(kv) };
}

/** Deletes the key (only at that revision, when given). */
export async function deleteKey(endpoint: string, key: string, revision?: string): Promise<void> {
  if (revision === undefined) {
    await etcdCall(endpoint, "/v3/kv/deleterange", { key: toBase64(key) });
    return;
  }
  await etcdCall(endpoint, "/v3/kv/txn", {
    compare: [{ key: toBase64(key), result: "EQUAL", target: "MOD", mod_revision: revision }],
    success: [{ request_delete_range: { key: toBase64(key) } }],
  });
}

export async function deletePrefix(endpoint: string, prefix: string): Promise<void> {
  await etcdCall(endpoint, "/v3/kv/deleterange", { key: toBase64(prefix), range_end: prefixEnd(prefix) });
}

/** "requested lease not found": the lease expired (etcd stalled past its TTL, or berth could not renew it). */
export function isLeaseLost(error: unknown): boolean {
  return error instanceof EtcdAnswer && /lease not found/.test(error.message);
}
