// Writing AReaL's name_resolve entries. nfs: <root>/<key>/ENTRY, the value written to a temporary file outside
// the entry directory and renamed in, so that directory never holds two files (AReaL accepts only a
// directory holding exactly one file named ENTRY). etcd3: the key with a lease of berth's own, kept alive
// while it runs, so the entries of a SIGKILLed berth expire.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";
import { etcdCall, grantLease, rangeOf, toBase64 } from "../etcd-client.ts";

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

async function etcd3Store(endpoint: string): Promise<NameResolveStore> {
  const lease = await grantLease(endpoint);
  return {
    async add(key, value) {
      await etcdCall(endpoint, "/v3/kv/put", { key: toBase64(key), value: toBase64(value), lease: lease.id });
    },
    async remove(key) {
      await etcdCall(endpoint, "/v3/kv/deleterange", { key: toBase64(key) });
    },
    async list(prefix) {
      const start = `${prefix}/`;
      return [...(await rangeOf(endpoint, start)).keys()].map((key) => key.slice(start.length)).filter((name) => !name.includes("/"));
    },
    close: () => lease.revoke(),
  };
}

export async function openNameResolve(target: NameResolveTarget): Promise<NameResolveStore> {
  return target.kind === "nfs" ? nfsStore(target.root) : etcd3Store(target.endpoint);
}
