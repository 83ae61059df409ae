// The rendezvous as a directory on a filesystem every node shares (NFS, Lustre, a hostPath). The job's
// directory <root>/<job> is this user's and writable by nobody else (or, with --rendezvous-group, a group's
// shared on purpose), and every name in it is taken through its open descriptor (host/files/).
//
// A key's value lives in generation files, `<key with / as ~>@<N>`; the highest N is the value. A claim
// creates generation N+1 with link(2), which fails when another writer made it first: a compare-and-set that
// NFS keeps, unlike flock. The owner rewrites its own generation (a new file under an unguessable name,
// renamed in) after checking that no higher one exists; a higher one means another writer took the key.
import { ERRNO } from "../../ffi/linux-constants.ts";
import { openGuardedDirectory, trustedWriter, type DirectoryRules, type GuardedDirectory } from "../files/guarded-directory.ts";
import { createExclusively, listNames, readRegularFile, removeName, writeReplacing } from "../files/safe-files.ts";
import { StoreRefused, type RendezvousStore, type StoredValue, type StoreOptions, type StoreWrite } from "./store.ts";

const SEGMENT = /^[A-Za-z0-9._-]+$/;
const RECORD_LIMIT = 16 << 20;

function fileBase(key: string): string {
  const segments = key.split("/");
  if (!segments.every((segment) => SEGMENT.test(segment))) throw new StoreRefused(`internal: key ${JSON.stringify(key)} is not a rendezvous key`);
  return segments.join("~");
}

function parseFileName(name: string): { key: string; generation: number } | undefined {
  const match = /^([A-Za-z0-9._~-]+)@(\d{1,9})$/.exec(name);
  return match ? { key: match[1]!.replaceAll("~", "/"), generation: Number(match[2]) } : undefined;
}

/** What failed, as an Error a caller retries (EROFS, EIO, ESTALE: a store that may come back). */
function trouble(what: string, failure: { name: string }): Error {
  return new Error(`${what}: ${failure.name}`);
}

class DirectoryStore implements RendezvousStore {
  private job: GuardedDirectory | undefined;
  private readonly warned = new Set<string>();
  private readonly rules: DirectoryRules;

  constructor(
    private readonly root: string,
    private readonly jobName: string,
    private readonly options: StoreOptions,
  ) {
    const shareHint = "to share a job's rendezvous between users on purpose, give every berth of it --rendezvous-group GROUP";
    this.rules = { createMode: options.writer ? 0o700 : undefined, sharedGid: options.sharedGid, what: "the job's rendezvous directory", shareHint };
  }

  get where(): string {
    return `${this.root}/${this.jobName}`;
  }

  /**
   * The job's directory, opened once and kept; undefined while a reader finds none (no node has come yet).
   * The root is the user's path and may be anyone's (a shared /scratch/rdv, sticky like /tmp) or a symlink;
   * only the job's directory must be this user's own, and it is never followed if it is a symlink.
   */
  private directory(): GuardedDirectory | undefined {
    if (this.job) return this.job;
    const opened = openGuardedDirectory(this.where, this.rules);
    if (opened.ok) return (this.job = opened.directory);
    if (opened.problem.kind === "missing") return undefined;
    if (opened.problem.kind === "unusable") throw new Error(opened.problem.message);
    throw new StoreRefused(opened.problem.message);
  }

  private required(): GuardedDirectory {
    const directory = this.directory();
    if (!directory) throw new Error(`${this.where} does not exist`);
    return directory;
  }

  private warnOnce(name: string, message: string): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.options.warn(message);
  }

  /** The highest generation of every key under `prefix`. */
  private generations(prefix: string): Map<string, number> {
    const directory = this.directory();
    if (!directory) return new Map();
    const names = listNames(directory.through(""));
    if (!names.ok) throw trouble(`cannot list ${directory.path}`, names);
    const highest = new Map<string, number>();
    for (const name of names.value) {
      const parsed = parseFileName(name);
      if (!parsed) {
        this.warnOnce(name, `ignoring ${directory.path}/${name}: not a berth rendezvous file`);
        continue;
      }
      if (!parsed.key.startsWith(prefix) && parsed.key !== prefix) continue;
      if ((highest.get(parsed.key) ?? -1) < parsed.generation) highest.set(parsed.key, parsed.generation);
    }
    return highest;
  }

  private read(key: string, generation: number): StoredValue | undefined {
    const directory = this.required();
    const name = `${fileBase(key)}@${generation}`;
    const file = readRegularFile(directory.through.bind(directory), name, RECORD_LIMIT);
    if (!file.ok) {
      if (file.errno === ERRNO.ENOENT) return undefined;
      const why = file.errno === ERRNO.ELOOP ? "a symlink" : file.errno === ERRNO.EINVAL ? "not a regular file" : file.errno === ERRNO.EFBIG ? `over ${RECORD_LIMIT} bytes` : file.name;
      this.warnOnce(name, `ignoring ${directory.path}/${name}: ${why}`);
      return undefined;
    }
    if (!trustedWriter(file.value.uid, this.rules)) {
      this.warnOnce(name, `ignoring ${directory.path}/${name}: written by uid ${file.value.uid}, not this user`);
      return undefined;
    }
    return { key, value: file.value.text, version: String(generation) };
  }

  async get(key: string): Promise<StoredValue | undefined> {
    const generation = this.generations(key).get(key);
    return generation === undefined ? undefined : this.read(key, generation);
  }

  async list(prefix: string): Promise<StoredValue[]> {
    const found: StoredValue[] = [];
    for (const [key, generation] of this.generations(prefix)) {
      const value = this.read(key, generation);
      if (value) found.push(value);
    }
    return found;
  }

  async claim(key: string, value: string, replacing?: string): Promise<StoreWrite> {
    const directory = this.required();
    const highest = this.generations(key).get(key);
    const current = () => (highest === undefined ? undefined : this.read(key, highest));
    if (replacing === undefined ? highest !== undefined : String(highest) !== replacing) return { ok: false, current: current() };
    const next = (highest ?? 0) + 1;
    const created = createExclusively(directory.through.bind(directory), `${fileBase(key)}@${next}`, value);
    if (!created.ok) throw trouble(`cannot write in ${directory.path}`, created);
    if (created.value === "exists") return { ok: false, current: this.read(key, next) };
    if (highest !== undefined) this.removeGenerations(key, next);
    return { ok: true, version: String(next) };
  }

  async update(key: string, value: string, version: string): Promise<StoreWrite> {
    const directory = this.required();
    const highest = this.generations(key).get(key);
    if (String(highest) !== version) return { ok: false, current: highest === undefined ? undefined : this.read(key, highest) };
    const written = writeReplacing(directory.through.bind(directory), `${fileBase(key)}@${version}`, value);
    if (!written.ok) throw trouble(`cannot write in ${directory.path}`, written);
    return { ok: true, version };
  }

  /** Every generation below `keep` (all of them when undefined). */
  private removeGenerations(key: string, keep?: number): void {
    const directory = this.directory();
    if (!directory) return;
    const names = listNames(directory.through(""));
    if (!names.ok) return;
    const base = fileBase(key);
    for (const name of names.value) {
      const parsed = parseFileName(name);
      if (parsed && parsed.key === key && (keep === undefined || parsed.generation < keep)) removeName(directory.through.bind(directory), `${base}@${parsed.generation}`);
    }
  }

  async remove(key: string, version?: string): Promise<void> {
    const directory = this.directory();
    if (!directory) return;
    if (key.endsWith("/")) {
      for (const inside of this.generations(key).keys()) this.removeGenerations(inside);
      return;
    }
    if (version === undefined) this.removeGenerations(key);
    else removeName(directory.through.bind(directory), `${fileBase(key)}@${version}`);
  }

  async close(): Promise<void> {
    this.job?.close();
    this.job = undefined;
  }
}

export function openDirectoryStore(root: string, job: string, options: StoreOptions): RendezvousStore {
  return new DirectoryStore(root, job, options);
}
