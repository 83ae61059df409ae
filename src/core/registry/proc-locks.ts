// /proc/locks, parsed: which files (by device and inode) hold an flock, and which pid took it.
// Reading it tells `berth status` who holds what without ever taking a lock itself.

/** "major:minor:inode" as /proc/locks prints it: major and minor in hex, inode in decimal. */
export type FileKey = string;

export function fileKey(major: number, minor: number, inode: number | bigint | string): FileKey {
  return `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}:${inode}`;
}

/** glibc's gnu_dev_major/gnu_dev_minor for a st_dev value. */
export function splitDevice(device: number | bigint): { major: number; minor: number } {
  const dev = BigInt(device);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

/** Held FLOCK write locks → the pid /proc/locks names (0 when it lives in another pid namespace). */
export function parseProcLocks(text: string): Map<FileKey, number> {
  const held = new Map<FileKey, number>();
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    // "1: FLOCK ADVISORY WRITE 4242 00:2d:1234 0 EOF"; waiters read "1: -> FLOCK ..." and hold nothing.
    if (fields[1] !== "FLOCK" || fields[3] !== "WRITE") continue;
    const match = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i.exec(fields[5] ?? "");
    if (!match) continue;
    held.set(fileKey(parseInt(match[1]!, 16), parseInt(match[2]!, 16), match[3]!), Number(fields[4]));
  }
  return held;
}
