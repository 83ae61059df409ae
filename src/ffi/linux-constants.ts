// Linux ABI numbers berth passes to libc. Most are the same on x86-64 and aarch64; the open(2) flags differ.

const ARM64 = process.arch === "arm64";

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const IPPROTO_IPV6 = 41;
export const IPV6_V6ONLY = 26;

export const O_RDONLY = 0;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
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
export const AT_EMPTY_PATH = 0x1000;
export const STATX_MODE = 0x2;
export const STATX_UID = 0x8;
export const STATX_INO = 0x100;
/** sizeof(struct statx), the same on every architecture. */
export const STATX_SIZE = 256;


export const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  3: "ESRCH",
  4: "EINTR",
  9: "EBADF",
  10: "ECHILD",
  11: "EAGAIN",
  13: "EACCES",
  17: "EEXIST",
  20: "ENOTDIR",
  22: "EINVAL",
  24: "EMFILE",
  28: "ENOSPC",
  40: "ELOOP",
  8: "ENOEXEC",
  97: "EAFNOSUPPORT",
  98: "EADDRINUSE",
  99: "EADDRNOTAVAIL",
};

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENOEXEC: 8,
  ECHILD: 10,
  EAGAIN: 11,
  EWOULDBLOCK: 11,
  EACCES: 13,
  ELOOP: 40,
  ENOSYS: 38,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
} as const;

export function errnoName(code: number): string {
  return ERRNO_NAMES[code] ?? `errno ${code}`;
}
