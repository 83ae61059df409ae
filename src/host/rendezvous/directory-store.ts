// The rendezvous as a directory on a filesystem every node shares (NFS, Lustre, a hostPath): one file per key
// under <root>/<job>/, written to a temporary name and renamed, so a reader sees a whole value or the old one.
// No flock (not to be trusted on NFS): a writer's liveness is its heartbeat inside the value.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { RendezvousStore } from "./store.ts";

function fileOf(key: string): string {
  return key.replaceAll("/", "__");
}

function keyOf(file: string): string {
  return file.replaceAll("__", "/");
}

export function openDirectoryStore(root: string, job: string): RendezvousStore {
  const directory = `${root}/${job}`;
  mkdirSync(directory, { recursive: true });
  let writes = 0;
  return {
    where: directory,
    expires: false,
    async put(key, value) {
      const partial = `${directory}/.${fileOf(key)}.${process.pid}.${writes++}.tmp`;
      writeFileSync(partial, value);
      renameSync(partial, `${directory}/${fileOf(key)}`);
    },
    async list(prefix) {
      const found = new Map<string, string>();
      for (const file of readdirSync(directory)) {
        if (file.startsWith(".") || !keyOf(file).startsWith(prefix)) continue;
        try {
          found.set(keyOf(file), readFileSync(`${directory}/${file}`, "utf8"));
        } catch {
          // removed between the listing and the read
        }
      }
      return found;
    },
    async remove(key) {
      rmSync(`${directory}/${fileOf(key)}`, { force: true });
    },
    async close() {},
  };
}
