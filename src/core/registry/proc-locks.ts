// /proc/locks, parsed: which files (by device and inode) hold an flock, and which pid took it.
// Reading it tells `berth status` who holds what without ever taking a lock itself.

/** "major:minor:inode" as /proc/locks prints it: major and minor in hex, inode in decimal. */
export type FileKey = string;

/** "fe:00:", the part of a FileKey every file of one filesystem shares (the kernel's "%02x:%02x:"). */
export function devicePrefix(major: number, minor: number): string {
  return `${major.toString(16).padStart(2, "0")}:${minor.toString(16).padStart(2, "0")}:`;
}

export function fileKey(major: number, minor: number, inode: number | bigint | string): FileKey {
  return `${devicePrefix(major, minor)}${inode}`;
}

/** glibc's gnu_dev_major/gnu_dev_minor for a st_dev value. */
export function splitDevice(device: number | bigint): { major: number; minor: number } {
  const dev = BigInt(device);
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return { major, minor };
}

/**
 * A held FLOCK write lock: "1: FLOCK  ADVISORY  WRITE 4242 fe:00:1234 0 EOF". A waiter reads "1: -> FLOCK ..."
 * and holds nothing. One global regex over the whole text: in the cold code of a one-shot command it costs
 * half of splitting every line into fields (1.1 against 2.5 ms for 1,000 locks).
 */
const HELD_FLOCK = /^ *\d+: FLOCK +\S+ +WRITE +(-?\d+) +([0-9a-f]+:[0-9a-f]+:\d+)\b/gm;

/** Held FLOCK write locks → the pid /proc/locks names (0 when it lives in another pid namespace). */
export function parseProcLocks(text: string): Map<FileKey, number> {
  const held = new Map<FileKey, number>();
  HELD_FLOCK.lastIndex = 0;
  for (let match = HELD_FLOCK.exec(text); match !== null; match = HELD_FLOCK.exec(text)) held.set(match[2]!, Number(match[1]));
  return held;
}
