// Writing AReaL's name_resolve entries. nfs: <root>/<key>/ENTRY, the value written to a temporary file outside
// the entry directory and renamed in, so that directory never holds two files (AReaL accepts only a
// directory holding exactly one file named ENTRY). etcd3: the key with a lease of berth's own, kept alive
// while it runs, so the entries of a SIGKILLed berth expire.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";

export interface NameResolveStore {
  add(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** The subkeys under a prefix. */
  list(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

function nfsStore(root: string): NameResolveStore {
  let writes = 0;
  return {
    async add(key, value) {
      const entry = `${root}/${key}`;
      const parent = entry.slice(0, entry.lastIndexOf("/"));
      mkdirSync(entry, { recursive: true });
      const partial = `${parent}/.berth-${process.pid}-${writes++}.tmp`;
      writeFileSync(partial, value);
      renameSync(partial, `${entry}/ENTRY`);
    },
    async remove(key) {
      rmSync(`${root}/${key}`, { recursive: true, force: true });
    },
    async list(prefix) {
      try {
        return readdirSync(`${root}/${prefix}`).filter((name) => !name.startsWith("."));
      } catch {
        return [];
      }
    },
    async close() {},
  };
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

async function etcdCall<T>(endpoint: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${endpoint}${path}`, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`etcd3 ${endpoint}${path} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

async function etcd3Store(endpoint: string): Promise<NameResolveStore> {
  const lease = await etcdCall<{ ID: string }>(endpoint, "/v3/lease/grant", { TTL: 10 });
  const keepalive = setInterval(() => void etcdCall(endpoint, "/v3/lease/keepalive", { ID: lease.ID }).catch(() => undefined), 3000);
  return {
    async add(key, value) {
      await etcdCall(endpoint, "/v3/kv/put", { key: b64(key), value: b64(value), lease: lease.ID });
    },
    async remove(key) {
      await etcdCall(endpoint, "/v3/kv/deleterange", { key: b64(key) });
    },
    async list(prefix) {
      const start = `${prefix}/`;
      const end = Buffer.from(start, "utf8");
      end[end.length - 1]! += 1;
      const range = await etcdCall<{ kvs?: { key: string }[] }>(endpoint, "/v3/kv/range", { key: b64(start), range_end: end.toString("base64"), keys_only: true });
      return (range.kvs ?? []).map((kv) => Buffer.from(kv.key, "base64").toString("utf8").slice(start.length)).filter((name) => !name.includes("/"));
    },
    async close() {
      clearInterval(keepalive);
      await etcdCall(endpoint, "/v3/lease/revoke", { ID: lease.ID }).catch(() => undefined);
    },
  };
}

export async function openNameResolve(target: NameResolveTarget): Promise<NameResolveStore> {
  return target.kind === "nfs" ? nfsStore(target.root) : etcd3Store(target.endpoint);
}
