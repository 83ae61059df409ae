// Linux ABI numbers berth passes to libc. Most are the same on x86-64 and aarch64; the open(2) flags differ.

const ARM64 = process.arch === "arm64";

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;

export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_NOFOLLOW = ARM64 ? 0o100000 : 0o400000;
export const O_DIRECTORY = ARM64 ? 0o40000 : 0o200000;

export const LOCK_EX = 2;
export const LOCK_NB = 4;

export const F_SETFD = 2;
export const FD_CLOEXEC = 1;

export const PR_SET_PDEATHSIG = 1;
export const PR_SET_CHILD_SUBREAPER = 36;

export const WNOHANG = 1;

/** statx(2) by number through syscall(3): glibc before 2.28 has no statx wrapper (and before 2.33 no fstat). */
export const SYS_STATX = ARM64 ? 291 : 332;
export const SYS_GETDENTS64 = ARM64 ? 61 : 217;
export const AT_EMPTY_PATH = 0x1000;
export const STATX_MODE = 0x2;
export const STATX_UID = 0x8;
export const STATX_GID = 0x10;
export const STATX_INO = 0x100;
export const STATX_NLINK = 0x4;
/** The statx mask bit for stx_size (STATX_SIZE below is the size of the struct). */
export const STATX_FILE_SIZE = 0x200;
/** sizeof(struct statx), the same on every architecture. */
export const STATX_SIZE = 256;


/** The errno values berth checks or names, in one table; the names come from it too. */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  EACCES: 13,
  EEXIST: 17,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  ENOSYS: 38,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  EDQUOT: 122,
} as const;

/** EWOULDBLOCK is EAGAIN on Linux. */
export const EWOULDBLOCK = ERRNO.EAGAIN;

const ERRNO_NAMES = new Map<number, string>(Object.entries(ERRNO).map(([name, code]) => [code, name]));

export function errnoName(code: number): string {
  return ERRNO_NAMES.get(code) ?? `errno ${code}`;
}
