// Files written where others might meddle: every new file is created O_CREAT|O_EXCL|O_NOFOLLOW under a name
// nobody can guess, then renamed (replace) or linked (create only if absent) to its real name, so a planted
// symlink or a file made in advance is never written through. Reads refuse symlinks, FIFOs and oversized
// files, and say who owns what they read.
import { close, link, listDirectory, open, readAll, readInto, rename, statOpenFile, unlink, write, type Sys } from "../../ffi/libc.ts";
import { ERRNO, errnoName, O_CLOEXEC, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } from "../../ffi/linux-constants.ts";

/** Where names resolve: a guarded directory's `through`, or a plain path join. */
export type Place = (name: string) => string;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** `.berth-<16 hex>.tmp`: 64 random bits, so nobody can plant a file or symlink under the name in advance. */
export function unguessableName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `.berth-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}.tmp`;
}

function failed(errno: number): Sys<never> {
  return { ok: false, errno, name: errnoName(errno) };
}

/** Writes a new file under an unguessable name; its name, or the errno (the partial file is removed). */
function writeNewFile(place: Place, bytes: Uint8Array, mode: number): Sys<string> {
  const name = unguessableName();
  const opened = open(place(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (!opened.ok) return opened;
  let offset = 0;
  while (offset < bytes.length) {
    const written = write(opened.value, bytes.subarray(offset));
    if (!written.ok) {
      if (written.errno === ERRNO.EINTR) continue;
      close(opened.value);
      unlink(place(name));
      return written;
    }
    offset += written.value;
  }
  close(opened.value);
  return { ok: true, value: name };
}

/** Replaces `name` whole (readers see the old content or the new, never half); a symlink there is replaced, not followed. */
export function writeReplacing(place: Place, name: string, text: string, mode = 0o600): Sys<void> {
  const partial = writeNewFile(place, new TextEncoder().encode(text), mode);
  if (!partial.ok) return partial;
  const renamed = rename(place(partial.value), place(name));
  if (!renamed.ok) {
    unlink(place(partial.value));
    return renamed;
  }
  return { ok: true, value: undefined };
}

/** Creates `name` only if nothing has that name yet: "exists" when another writer was first. */
export function createExclusively(place: Place, name: string, text: string, mode = 0o600): Sys<"created" | "exists"> {
  const partial = writeNewFile(place, new TextEncoder().encode(text), mode);
  if (!partial.ok) return partial;
  const linked = link(place(partial.value), place(name));
  unlink(place(partial.value));
  if (linked.ok) return { ok: true, value: "created" };
  return linked.errno === ERRNO.EEXIST ? { ok: true, value: "exists" } : linked;
}

export interface ReadFile {
  text: string;
  uid: number;
}

/**
 * A regular file's text and owner; ENOENT when it is gone, ELOOP for a symlink, EINVAL for anything else
 * that is not a regular file (a FIFO would block a plain open: O_NONBLOCK), EFBIG past `limit` bytes.
 */
export function readRegularFile(place: Place, name: string, limit = 1 << 20): Sys<ReadFile> {
  const opened = open(place(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (!opened.ok) return opened;
  try {
    const status = statOpenFile(opened.value);
    if (!status.ok) return status;
    if ((status.value.mode & S_IFMT) !== S_IFREG) return failed(ERRNO.EINVAL);
    if (status.value.size > limit) return failed(ERRNO.EFBIG);
    const text = readSized(opened.value, status.value.size, limit);
    return text.ok ? { ok: true, value: { text: text.value, uid: status.value.uid } } : text;
  } finally {
    close(opened.value);
  }
}

const decoder = new TextDecoder();

/** Reads a file of a known size into one buffer of that size; one that grew since is read to its end. */
function readSized(fd: number, size: number, limit: number): Sys<string> {
  const buffer = new Uint8Array(Math.min(size, limit) + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const count = readInto(fd, buffer.subarray(filled));
    if (!count.ok) return count;
    if (count.value === 0) return { ok: true, value: decoder.decode(buffer.subarray(0, filled)) };
    filled += count.value;
  }
  const rest = readAll(fd, limit + 1 - filled);
  if (!rest.ok) return rest;
  const text = decoder.decode(buffer) + rest.value;
  return text.length > limit ? failed(ERRNO.EFBIG) : { ok: true, value: text };
}

/** The names in a directory, dot files (berth's partial writes) left out. */
export function listNames(directoryPath: string): Sys<string[]> {
  const listing = listDirectory(directoryPath);
  if (!listing.ok) return listing;
  return { ok: true, value: listing.value.entries.map((entry) => entry.name).filter((name) => !name.startsWith(".")) };
}

export function removeName(place: Place, name: string): Sys<number> {
  const removed = unlink(place(name));
  return removed.ok || removed.errno === ERRNO.ENOENT ? { ok: true, value: 0 } : removed;
}
