// A directory berth writes into on a host it does not trust (a shared filesystem, /tmp): opened without
// following a symlink, its owner and mode checked on the open descriptor, and every later name taken
// through /proc/self/fd/N, so renaming the directory or swapping a symlink in for its name cannot redirect
// a write. The same rules as the registry's: what another user can write is not berth's to trust.
import { close, fchmod, fchown, geteuid, mkdir, open, statOpenFile } from "../../ffi/libc.ts";
import { ERRNO, O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW, O_RDONLY } from "../../ffi/linux-constants.ts";

export interface GuardedDirectory {
  /** The path as the user named it, for messages. */
  readonly path: string;
  readonly fd: number;
  /** A path that resolves `name` inside this very directory, whatever has happened to its own name since. */
  through(name: string): string;
  close(): void;
}

export interface DirectoryRules {
  /** Made with this mode when missing (its missing parents too: 0700, or 0755 when shared with a group). */
  createMode?: number;
  /**
   * Shared on purpose with a group: the directory must belong to this gid and may be group-writable (never
   * writable by others); made setgid so what is written there stays in the group. Else it must be this
   * user's own and writable by nobody else.
   */
  sharedGid?: number;
  /** This user's, but its group may write too (a umask of 002, common on clusters): others still may not. */
  groupMayWrite?: boolean;
  /** What it is, for messages: "the rendezvous directory". */
  what: string;
  /** Said after a refusal of whose it is: how to share it on purpose. */
  shareHint?: string;
}

/** Why a directory is refused: `missing` and `not-a-directory` are the user's path; the rest is the host. */
export type DirectoryProblem = { kind: "missing" | "not-a-directory" | "symlink" | "foreign" | "too-open" | "unusable"; message: string };

export type GuardedOpen = { ok: true; directory: GuardedDirectory } | { ok: false; problem: DirectoryProblem };

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

function guarded(path: string, fd: number): GuardedDirectory {
  return { path, fd, through: (name) => `/proc/self/fd/${fd}/${name}`, close: () => close(fd) };
}

function refusedOpen(kind: DirectoryProblem["kind"], message: string): GuardedOpen {
  return { ok: false, problem: { kind, message } };
}

/** Makes the missing directories of `path`, the last one `mode`; EEXIST is fine. */
function makeDirectories(path: string, mode: number, parentMode: number): { ok: true } | { ok: false; name: string; at: string } {
  const parts = path.split("/").filter(Boolean);
  for (let index = 1; index <= parts.length; index++) {
    const at = `/${parts.slice(0, index).join("/")}`;
    const made = mkdir(at, index === parts.length ? mode : parentMode);
    if (!made.ok && made.errno !== ERRNO.EEXIST) return { ok: false, name: made.name, at };
  }
  return { ok: true };
}

function openWithoutFollowing(path: string): { ok: true; fd: number } | { ok: false; errno: number; name: string } {
  const opened = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return opened.ok ? { ok: true, fd: opened.value } : opened;
}

function describeFailure(path: string, rules: DirectoryRules, failure: { errno: number; name: string }): GuardedOpen {
  if (failure.errno === ERRNO.ENOENT) return refusedOpen("missing", `${rules.what} ${path} does not exist`);
  // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ELOOP or ENOTDIR; opening it without O_DIRECTORY tells which.
  const again = failure.errno === ERRNO.ENOTDIR ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : undefined;
  if (again?.ok) close(again.value);
  if (failure.errno === ERRNO.ELOOP || (again && !again.ok && again.errno === ERRNO.ELOOP)) {
    return refusedOpen("symlink", `${rules.what} ${path} is a symlink; refusing to follow it (another user may have planted it)`);
  }
  if (failure.errno === ERRNO.ENOTDIR) return refusedOpen("not-a-directory", `${rules.what} ${path} is not a directory`);
  return refusedOpen("unusable", `cannot open ${rules.what} ${path}: ${failure.name}`);
}

/** Owner and mode, checked on the descriptor: the directory checked is the directory used. */
function checkOwnership(path: string, fd: number, rules: DirectoryRules): DirectoryProblem | undefined {
  const status = statOpenFile(fd);
  if (!status.ok) return { kind: "unusable", message: `cannot stat ${rules.what} ${path}: ${status.name}` };
  const { uid, gid, mode } = status.value;
  if ((mode & S_IFMT) !== S_IFDIR) return { kind: "not-a-directory", message: `${rules.what} ${path} is not a directory` };
  const me = geteuid();
  const octal = (mode & 0o7777).toString(8);
  if (rules.sharedGid !== undefined) {
    if (gid !== rules.sharedGid) return { kind: "foreign", message: `${rules.what} ${path} belongs to group ${gid}, not the shared group ${rules.sharedGid}; refusing it` };
    if ((mode & 0o002) !== 0) return { kind: "too-open", message: `${rules.what} ${path} is writable by every user (mode ${octal}); refusing it (chmod o-w it)` };
    return undefined;
  }
  if (uid !== me) {
    return { kind: "foreign", message: `${rules.what} ${path} is owned by uid ${uid}, not this user (${me}); refusing it${rules.shareHint ? ` (${rules.shareHint})` : ""}` };
  }
  if ((mode & (rules.groupMayWrite ? 0o002 : 0o022)) !== 0) return { kind: "too-open", message: `${rules.what} ${path} is writable by others (mode ${octal}); refusing it (chmod go-w it${rules.shareHint ? `, or ${rules.shareHint}` : ""})` };
  return undefined;
}

/** A new directory of a shared group: the group's, setgid and group-writable; a private one keeps its mode. */
function settleNewDirectory(fd: number, rules: DirectoryRules): void {
  if (rules.sharedGid === undefined) return;
  fchown(fd, -1, rules.sharedGid);
  fchmod(fd, 0o2770);
}

/** Opens (and with createMode, makes) a directory under the rules; one line naming what is wrong otherwise. */
export function openGuardedDirectory(path: string, rules: DirectoryRules): GuardedOpen {
  let opened = openWithoutFollowing(path);
  let created = false;
  if (!opened.ok && opened.errno === ERRNO.ENOENT && rules.createMode !== undefined) {
    const made = makeDirectories(path, rules.createMode, rules.sharedGid === undefined ? 0o700 : 0o755); // a shared group must reach it
    if (!made.ok) return refusedOpen("unusable", `cannot create ${rules.what} ${made.at}: ${made.name}`);
    opened = openWithoutFollowing(path);
    created = true;
  }
  if (!opened.ok) return describeFailure(path, rules, opened);
  if (created) settleNewDirectory(opened.fd, rules);
  const problem = checkOwnership(path, opened.fd, rules);
  if (problem) {
    close(opened.fd);
    return { ok: false, problem };
  }
  return { ok: true, directory: guarded(path, opened.fd) };
}

/** A directory inside a guarded one, under the same rules (made if missing when createMode is given). */
export function openGuardedChild(parent: GuardedDirectory, name: string, rules: DirectoryRules): GuardedOpen {
  const shown = `${parent.path}/${name}`;
  let opened = openWithoutFollowing(parent.through(name));
  if (!opened.ok && opened.errno === ERRNO.ENOENT && rules.createMode !== undefined) {
    const made = mkdir(parent.through(name), rules.createMode);
    if (!made.ok && made.errno !== ERRNO.EEXIST) return refusedOpen("unusable", `cannot create ${rules.what} ${shown}: ${made.name}`);
    opened = openWithoutFollowing(parent.through(name));
    if (opened.ok && made.ok) settleNewDirectory(opened.fd, rules);
  }
  if (!opened.ok) return describeFailure(shown, rules, opened);
  const problem = checkOwnership(shown, opened.fd, rules);
  if (problem) {
    close(opened.fd);
    return { ok: false, problem };
  }
  return { ok: true, directory: guarded(shown, opened.fd) };
}

/**
 * A directory the user named as it is (symlinks followed, anyone's, like a shared /scratch root): what berth
 * makes inside it is guarded, the root itself is the user's choice.
 */
export function openDirectoryAsGiven(path: string, what: string): GuardedOpen {
  const opened = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (opened.ok) return { ok: true, directory: guarded(path, opened.value) };
  if (opened.errno === ERRNO.ENOENT) return refusedOpen("missing", `${what} ${path} does not exist`);
  if (opened.errno === ERRNO.ENOTDIR) return refusedOpen("not-a-directory", `${what} ${path} is not a directory`);
  return refusedOpen("unusable", `cannot open ${what} ${path}: ${opened.name}`);
}

/** Whether a file's owner may write what berth trusts here: this user, or (shared on purpose) anyone the group lets in. */
export function trustedWriter(uid: number, rules: Pick<DirectoryRules, "sharedGid">): boolean {
  return rules.sharedGid !== undefined || uid === geteuid();
}
