// Writing AReaL's name_resolve entries. nfs: <root>/<key>/ENTRY, each directory below the root walked
// without following a symlink and checked to be this user's (host/files/), the value written to a new file
// under an unguessable name beside the entry directory and renamed in, so that directory never holds two
// files (AReaL accepts only a directory holding exactly one file named ENTRY). etcd3: the key under a lease
// of berth's own, kept alive while it runs, so the entries of a SIGKILLed berth expire; a lease lost while
// berth lives (etcd stalled past its TTL) is replaced and every entry put back.
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { ERRNO } from "../../ffi/linux-constants.ts";
import { rename, rmdir } from "../../ffi/libc.ts";
import { deleteKey, EtcdUnreachable, putIf, rangeOf, getKey } from "../etcd/etcd-client.ts";
import { keepLease } from "../etcd/kept-lease.ts";
import { openDirectoryAsGiven, openGuardedChild, type GuardedDirectory } from "../files/guarded-directory.ts";
import { createExclusively, listNames, removeName, unguessableName, writeReplacing } from "../files/safe-files.ts";

export interface NameResolveStore {
  add(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** The subkeys under a prefix. */
  list(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A write that may succeed if tried again (etcd down for a moment), as opposed to one that will not. */
export function isPassingTrouble(error: unknown): boolean {
  return error instanceof EtcdUnreachable;
}

/** What berth makes below the root: this user's (its group may write, as AReaL's own umask may leave it), made 0755. */
const ENTRY_RULES = { createMode: 0o755, groupMayWrite: true, what: "the name_resolve directory" };

/** The root must be there already (AReaL's trainer reads the same one): bad input if not, the host's doing if unwritable. */
function checkNfsRoot(root: string, origin: string): Outcome<void> {
  const opened = openDirectoryAsGiven(root, "the name_resolve root");
  if (!opened.ok) {
    const hint = "; give the directory AReaL's trainer uses (name_resolve.nfs_record_root)";
    return refused(opened.problem.kind === "unusable" ? environmentRefusal(`${origin}: ${opened.problem.message}`) : badInput(`bad value for ${origin}: ${opened.problem.message}${hint}`));
  }
  try {
    const probe = `${unguessableName()}.probe`;
    const made = createExclusively(opened.directory.through, probe, "");
    if (!made.ok) return refused(environmentRefusal(`cannot write to the name_resolve root ${root} (${origin}): ${made.name}`));
    removeName(opened.directory.through, probe);
    return succeeded(undefined);
  } finally {
    opened.directory.close();
  }
}

/** The directories below the root, walked without following symlinks, each this user's, made where missing. */
function walk(root: string, parts: readonly string[]): GuardedDirectory {
  const at = openDirectoryAsGiven(root, "the name_resolve root");
  if (!at.ok) throw new Error(at.problem.message);
  let directory = at.directory;
  for (const part of parts) {
    const next = openGuardedChild(directory, part, ENTRY_RULES);
    directory.close();
    if (!next.ok) throw new Error(next.problem.message);
    directory = next.directory;
  }
  return directory;
}

function nfsStore(root: string): NameResolveStore {
  const split = (key: string) => key.split("/");
  return {
    async add(key, value) {
      const parts = split(key);
      const parent = walk(root, parts.slice(0, -1));
      try {
        const entry = openGuardedChild(parent, parts[parts.length - 1]!, ENTRY_RULES);
        if (!entry.ok) throw new Error(entry.problem.message);
        try {
          const partial = unguessableName();
          const written = writeReplacing(parent.through, partial, value, 0o644);
          if (!written.ok) throw new Error(`cannot write under ${parent.path}: ${written.name}`);
          const moved = rename(parent.through(partial), entry.directory.through("ENTRY"));
          if (!moved.ok) {
            removeName(parent.through, partial);
            throw new Error(`cannot write ${entry.directory.path}/ENTRY: ${moved.name}`);
          }
        } finally {
          entry.directory.close();
        }
      } finally {
        parent.close();
      }
    },
    async remove(key) {
      const parts = split(key);
      let parent: GuardedDirectory;
      try {
        parent = walk(root, parts.slice(0, -1));
      } catch {
        return; // nothing was ever written there
      }
      try {
        const entry = openGuardedChild(parent, parts[parts.length - 1]!, { ...ENTRY_RULES, createMode: undefined });
        if (!entry.ok) return;
        const names = listNames(entry.directory.through(""));
        for (const name of names.ok ? names.value : []) removeName(entry.directory.through, name);
        entry.directory.close();
        const gone = rmdir(parent.through(parts[parts.length - 1]!));
        if (!gone.ok && gone.errno !== ERRNO.ENOENT) throw new Error(`cannot remove ${parent.path}/${parts[parts.length - 1]}: ${gone.name}`);
      } finally {
        parent.close();
      }
    },
    async list(prefix) {
      let directory: GuardedDirectory;
      try {
        directory = walk(root, split(prefix));
      } catch {
        return [];
      }
      try {
        const names = listNames(directory.through(""));
        return names.ok ? names.value : [];
      } finally {
        directory.close();
      }
    },
    async close() {},
  };
}

async function etcd3Store(endpoint: string): Promise<NameResolveStore> {
  const lease = keepLease(endpoint);
  await lease.id(); // unreachable: said before anything is reserved
  const entries = new Map<string, string>();
  let generation = lease.generation;
  const put = (key: string, value: string) => lease.withLease(async (id) => {
    const current = await getKey(endpoint, key);
    await putIf(endpoint, key, value, current ? { revision: current.revision } : { absent: true }, id);
  });
  /** A new lease means the old one lapsed, and every entry went with it: put them all back. */
  const restore = async () => {
    if (lease.generation === generation) return;
    generation = lease.generation;
    for (const [key, value] of entries) await put(key, value);
  };
  return {
    async add(key, value) {
      entries.set(key, value);
      await put(key, value);
      await restore();
    },
    async remove(key) {
      entries.delete(key);
      await deleteKey(endpoint, key);
    },
    async list(prefix) {
      const start = `${prefix}/`;
      await restore();
      return (await rangeOf(endpoint, start)).map((kv) => kv.key.slice(start.length)).filter((name) => !name.includes("/"));
    },
    close: () => lease.revoke(),
  };
}

/** Opens the store, checked: nfs's root must exist and take a file, etcd3 must answer (exit 2 / 3, one line). */
export async function openNameResolve(target: NameResolveTarget, origin: string): Promise<Outcome<NameResolveStore>> {
  if (target.kind === "nfs") {
    const checked = checkNfsRoot(target.root, origin);
    return checked.ok ? succeeded(nfsStore(target.root)) : checked;
  }
  try {
    return succeeded(await etcd3Store(target.endpoint));
  } catch (error) {
    return refused(environmentRefusal(`cannot reach AReaL's name_resolve (${origin}): ${error instanceof Error ? error.message : String(error)}`));
  }
}
