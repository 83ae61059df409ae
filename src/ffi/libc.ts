// libc through bun:ffi, with typed wrappers that return a value or the errno (and its name).
// Opened by soname: glibc is already mapped into this process, so the loader returns that copy and never
// searches the working directory (Bun's bare-name fallback only runs when loading fails).
import { dlopen, FFIType, ptr, read, type Pointer } from "bun:ffi";
import { AF_UNIX, AT_EMPTY_PATH, SYS_GETDENTS64, O_DIRECTORY, ERRNO, errnoName, FD_CLOEXEC, STATX_FILE_SIZE, STATX_INO, STATX_MODE, STATX_NLINK, STATX_SIZE, STATX_UID, STATX_GID, SYS_STATX, F_SETFD, IPPROTO_IPV6, IPV6_V6ONLY, O_CLOEXEC, O_RDONLY, SOL_SOCKET, SO_REUSEADDR, SOCK_CLOEXEC, SOCK_STREAM } from "./linux-constants.ts";

const { i32, u32, u64, i64, ptr: pointer } = FFIType;

const SYMBOLS = {
  __errno_location: { args: [], returns: pointer },
  isatty: { args: [i32], returns: i32 },
  write: { args: [i32, pointer, u64], returns: i64 },
  read: { args: [i32, pointer, u64], returns: i64 },
  pwrite: { args: [i32, pointer, u64, i64], returns: i64 },
  open: { args: [pointer, i32, u32], returns: i32 },
  close: { args: [i32], returns: i32 },
  access: { args: [pointer, i32], returns: i32 },
  mkdir: { args: [pointer, u32], returns: i32 },
  rename: { args: [pointer, pointer], returns: i32 },
  link: { args: [pointer, pointer], returns: i32 },
  unlink: { args: [pointer], returns: i32 },
  rmdir: { args: [pointer], returns: i32 },
  readlink: { args: [pointer, pointer, u64], returns: i64 },
  fchmod: { args: [i32, u32], returns: i32 },
  fchown: { args: [i32, u32, u32], returns: i32 },
  ftruncate: { args: [i32, i64], returns: i32 },
  flock: { args: [i32, i32], returns: i32 },
  fcntl: { args: [i32, i32, i32], returns: i32 },
  socket: { args: [i32, i32, i32], returns: i32 },
  send: { args: [i32, pointer, u64, i32], returns: i64 },
  recv: { args: [i32, pointer, u64, i32], returns: i64 },
  setsockopt: { args: [i32, i32, i32, pointer, u32], returns: i32 },
  bind: { args: [i32, pointer, u32], returns: i32 },
  getsockname: { args: [i32, pointer, pointer], returns: i32 },
  getpid: { args: [], returns: i32 },
  getppid: { args: [], returns: i32 },
  geteuid: { args: [], returns: u32 },
  prctl: { args: [i32, u64, u64, u64, u64], returns: i32 },
  execve: { args: [pointer, pointer, pointer], returns: i32 },
  waitpid: { args: [i32, pointer, i32], returns: i32 },
  signal: { args: [i32, pointer], returns: pointer },
  sigprocmask: { args: [i32, pointer, pointer], returns: i32 },
  // Variadic in C; called here with statx's five arguments, which glibc's and musl's stubs pass straight on.
  syscall: { args: [i64, i32, pointer, i32, u32, pointer], returns: i64 },
} as const;

let library: ReturnType<typeof dlopen<typeof SYMBOLS>> | undefined;

function libc() {
  library ??= dlopen("libc.so.6", SYMBOLS);
  return library.symbols;
}

export type Sys<T> = { ok: true; value: T } | { ok: false; errno: number; name: string };

/** The calling thread's errno, read right after a failed call. */
export function errno(): number {
  const location = libc().__errno_location();
  return location === null ? 0 : read.i32(location, 0);
}

function check(result: number | bigint): Sys<number> {
  const value = Number(result);
  if (value >= 0) return { ok: true, value };
  const code = errno();
  return { ok: false, errno: code, name: errnoName(code) };
}

/** A NUL-terminated copy of a string for calls that take `const char *`. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function cString(text: string): Uint8Array {
  return encoder.encode(`${text}\0`);
}

// Paths passed to one syscall and forgotten: encoded into one buffer kept outside the GC heap, not a fresh
// array per call (the registry opens a lock file per port; the allocation cost more than the open).
const PATH_BUFFER = new Uint8Array(4096);

/** A NUL-terminated path for a syscall made at once; valid until the next call. */
function pathPointer(path: string): Pointer {
  const { read, written } = encoder.encodeInto(path, PATH_BUFFER.subarray(0, PATH_BUFFER.length - 1));
  if (read !== path.length) return ptr(cString(path)); // longer than PATH_MAX: the kernel will say ENAMETOOLONG
  PATH_BUFFER[written] = 0;
  return ptr(PATH_BUFFER);
}

export function isatty(fd: number): boolean {
  return libc().isatty(fd) === 1;
}

/** Whether this process may read the file at path. */
export function isReadable(path: string): boolean {
  return libc().access(ptr(cString(path)), 4 /* R_OK */) === 0;
}

/** Whether this process may execute the file at path. */
export function isExecutable(path: string): boolean {
  return libc().access(ptr(cString(path)), 1 /* X_OK */) === 0;
}

/** Whether this process may write (create entries in) the path. */
export function isWritable(path: string): boolean {
  return libc().access(ptr(cString(path)), 2 /* W_OK */) === 0;
}

/** One write(2); returns the bytes written, or the errno. */
export function write(fd: number, bytes: Uint8Array): Sys<number> {
  if (bytes.length === 0) return { ok: true, value: 0 };
  return check(libc().write(fd, ptr(bytes), bytes.length));
}

export function open(path: string, flags: number, mode = 0o600): Sys<number> {
  return check(libc().open(pathPointer(path), flags, mode));
}

export function mkdir(path: string, mode: number): Sys<number> {
  return check(libc().mkdir(ptr(cString(path)), mode));
}

export function rename(from: string, to: string): Sys<number> {
  return check(libc().rename(ptr(cString(from)), ptr(cString(to))));
}

/** link(2): a second name for a file; EEXIST when the new name is taken, which makes it an exclusive create. */
export function link(from: string, to: string): Sys<number> {
  return check(libc().link(ptr(cString(from)), ptr(cString(to))));
}

export function unlink(path: string): Sys<number> {
  return check(libc().unlink(pathPointer(path)));
}

const LINK_BUFFER = new Uint8Array(4096);

/** readlink(2): where a symbolic link (or a /proc magic link: /proc/PID/fd/N, /proc/self/ns/pid) points. */
export function readlink(path: string): Sys<string> {
  const count = check(libc().readlink(pathPointer(path), ptr(LINK_BUFFER), LINK_BUFFER.length));
  return count.ok ? { ok: true, value: decoder.decode(LINK_BUFFER.subarray(0, count.value)) } : count;
}

export function rmdir(path: string): Sys<number> {
  return check(libc().rmdir(ptr(cString(path))));
}

export function fchmod(fd: number, mode: number): Sys<number> {
  return check(libc().fchmod(fd, mode));
}

/** fchown(2); -1 (0xffffffff) leaves the owner or group as it is. */
export function fchown(fd: number, uid: number, gid: number): Sys<number> {
  return check(libc().fchown(fd, uid >>> 0, gid >>> 0));
}

export function close(fd: number): void {
  libc().close(fd);
}

/**
 * Replaces a file's whole content through an open descriptor (the bytes written, or the errno): write over it first, then cut it to the new
 * length where it was longer. Cutting to zero first would cost ~75 µs per file on ext4 (blocks freed, then
 * allocated again); a file no longer than the new bytes (a new lock file: size 0) needs no cut at all.
 */
export function rewrite(fd: number, bytes: Uint8Array, currentSize = Number.MAX_SAFE_INTEGER): Sys<number> {
  const written = check(libc().pwrite(fd, ptr(bytes), bytes.length, 0));
  if (!written.ok || currentSize <= bytes.length) return written;
  const cut = check(libc().ftruncate(fd, bytes.length));
  return cut.ok ? written : cut;
}

/** One read(2) into a buffer the caller keeps and reuses: how many bytes came. */
export function readInto(fd: number, buffer: Uint8Array): Sys<number> {
  for (;;) {
    const count = check(libc().read(fd, ptr(buffer), buffer.length));
    if (count.ok || count.errno !== ERRNO.EINTR) return count;
  }
}

export function readAll(fd: number, limit = 1 << 20): Sys<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = new Uint8Array(4096);
    const count = check(libc().read(fd, ptr(chunk), chunk.length));
    if (!count.ok) {
      if (count.errno === ERRNO.EINTR) continue;
      return count;
    }
    if (count.value === 0) break;
    chunks.push(chunk.subarray(0, count.value));
    total += count.value;
  }
  return { ok: true, value: Buffer.concat(chunks).toString("utf8") };
}

/** Reads a small file (a /proc or /sys entry) synchronously; undefined when it cannot be opened or read. */
export function readSmallFile(path: string, limit = 1 << 20): string | undefined {
  const fd = open(path, O_RDONLY | O_CLOEXEC);
  if (!fd.ok) return undefined;
  try {
    const text = readAll(fd.value, limit);
    return text.ok ? text.value : undefined;
  } finally {
    close(fd.value);
  }
}

export function flock(fd: number, operation: number): Sys<number> {
  return check(libc().flock(fd, operation));
}

/** Whether the descriptor survives execve: registry locks must, hold sockets must not. */
export function setCloseOnExec(fd: number, closeOnExec: boolean): Sys<number> {
  // FD_CLOEXEC is the only descriptor flag Linux defines, so one F_SETFD says it all (no F_GETFD first).
  return check(libc().fcntl(fd, F_SETFD, closeOnExec ? FD_CLOEXEC : 0));
}

export function tcpSocket(family: number): Sys<number> {
  return check(libc().socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;

/** A netlink socket of `protocol` (ffi/sock-diag.ts), close-on-exec; undefined where netlink is not allowed. */
export function netlinkSocket(protocol: number): number | undefined {
  const result = check(libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
  return result.ok ? result.value : undefined;
}

/** One request out, and the answers in (a byte count, 0 or less when the socket failed). */
export const netlinkRequest = {
  send: (fd: number, bytes: Uint8Array): boolean => Number(libc().send(fd, ptr(bytes), bytes.length, 0)) === bytes.length,
  receive: (fd: number, buffer: Pointer, length: number): number => Number(libc().recv(fd, buffer, length, 0)),
};

/** A unix stream socket, close-on-exec: the kernel guard's (ffi/unix-address.ts names it). */
export function unixSocket(): Sys<number> {
  return check(libc().socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
}

// The int 1 that both socket options take, allocated once: a fresh typed array per call costs more than
// the setsockopt itself in cold code (ptr() has to move a small array's storage out of the GC heap).
let enabled: Pointer | undefined;
const ENABLED_VALUE = new Int32Array([1]);

function enableOption(fd: number, level: number, name: number): Sys<number> {
  enabled ??= ptr(ENABLED_VALUE);
  return check(libc().setsockopt(fd, level, name, enabled, 4));
}

export function setReuseAddress(fd: number): Sys<number> {
  return enableOption(fd, SOL_SOCKET, SO_REUSEADDR);
}

export function setIpv6Only(fd: number): Sys<number> {
  return enableOption(fd, IPPROTO_IPV6, IPV6_V6ONLY);
}

export function bind(fd: number, address: Uint8Array): Sys<number> {
  return check(libc().bind(fd, ptr(address), address.length));
}

/** getsockname(2): the address a socket is bound to, as the kernel writes it (sockaddr_in or sockaddr_in6). */
export function localAddress(fd: number): Sys<Uint8Array> {
  const address = new Uint8Array(128); // sizeof(struct sockaddr_storage)
  const length = new Uint32Array([address.length]);
  const result = check(libc().getsockname(fd, ptr(address), ptr(length)));
  return result.ok ? { ok: true, value: address.slice(0, length[0]!) } : result;
}

export function getpid(): number {
  return libc().getpid();
}

export function getppid(): number {
  return libc().getppid();
}

export function geteuid(): number {
  return libc().geteuid();
}

export function prctl(option: number, argument: number): Sys<number> {
  return check(libc().prctl(option, argument, 0, 0, 0));
}

/** Puts back the default SIGPIPE/SIGXFSZ handling and an empty mask, which Bun changes and execve keeps. */
export function resetSignalsForExec(signals: readonly number[]): void {
  for (const signal of signals) libc().signal(signal, null);
  const emptySet = new Uint8Array(128);
  libc().sigprocmask(2 /* SIG_SETMASK */, ptr(emptySet), null);
}

/** execve(2): returns only on failure, with the errno. */
export function execve(path: string, argv: readonly string[], environment: readonly string[]): Sys<never> {
  const keep: Uint8Array[] = []; // keeps every string alive until the call
  const pointerArray = (strings: readonly string[]) => {
    const array = new BigUint64Array(strings.length + 1);
    strings.forEach((text, index) => {
      const bytes = cString(text);
      keep.push(bytes);
      array[index] = BigInt(ptr(bytes));
    });
    return array;
  };
  const argvArray = pointerArray(argv);
  const environmentArray = pointerArray(environment);
  const pathBytes = cString(path);
  libc().execve(ptr(pathBytes), ptr(argvArray), ptr(environmentArray));
  const code = errno();
  void keep;
  return { ok: false, errno: code, name: errnoName(code) };
}

export interface OpenFileStatus {
  uid: number;
  gid: number;
  mode: number;
  inode: bigint;
  deviceMajor: number;
  deviceMinor: number;
  /** Hard links: 0 once the file has been unlinked (while still open). */
  links: number;
  size: number;
}

const STATX_WANTED = STATX_MODE | STATX_UID | STATX_GID | STATX_INO | STATX_NLINK | STATX_FILE_SIZE;
/** One buffer for every statx: decoded at once, and a fresh one per lock file cost more than the call. */
const STATX_BUFFER = new Uint8Array(STATX_SIZE);

const EMPTY_PATH = new Uint8Array(1);

/**
 * berth's fstat: statx(fd, "", AT_EMPTY_PATH), the owner, mode, inode and device of an open descriptor,
 * synchronously and in one syscall (Bun's own stat is asynchronous and costs ~0.4 ms of a cold start).
 * ENOSYS on kernels before 4.11, where callers fall back to Bun's stat.
 */
export function statOpenFile(fd: number): Sys<OpenFileStatus> {
  const result = check(libc().syscall(SYS_STATX, fd, ptr(EMPTY_PATH), AT_EMPTY_PATH, STATX_WANTED, ptr(STATX_BUFFER)));
  return result.ok ? { ok: true, value: decodeStatx(STATX_BUFFER) } : result;
}

function decodeStatx(buffer: Uint8Array): OpenFileStatus {
  const view = new DataView(buffer.buffer);
  return {
    links: view.getUint32(16, true), // stx_nlink
    uid: view.getUint32(20, true), // stx_uid
    gid: view.getUint32(24, true), // stx_gid
    mode: view.getUint16(28, true), // stx_mode
    inode: view.getBigUint64(32, true), // stx_ino
    size: Number(view.getBigUint64(40, true)), // stx_size
    deviceMajor: view.getUint32(136, true), // stx_dev_major
    deviceMinor: view.getUint32(140, true), // stx_dev_minor
  };
}

export interface DirectoryEntry {
  name: string;
  inode: bigint;
}

const DENTS_BUFFER = new Uint8Array(64 << 10);
const NAME_DECODER = new TextDecoder();

/**
 * A directory's entries with their inode numbers (getdents64), and the directory's own device: enough to
 * match names against /proc/locks without opening a single file.
 */
export function listDirectory(path: string): Sys<{ entries: DirectoryEntry[]; deviceMajor: number; deviceMinor: number }> {
  const opened = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!opened.ok) return opened;
  try {
    const device = statOpenFile(opened.value);
    if (!device.ok) return device;
    const entries: DirectoryEntry[] = [];
    const view = new DataView(DENTS_BUFFER.buffer);
    for (;;) {
      const count = check(libc().syscall(SYS_GETDENTS64, opened.value, ptr(DENTS_BUFFER), DENTS_BUFFER.length, 0, null));
      if (!count.ok) return count;
      if (count.value === 0) break;
      for (let offset = 0; offset < count.value; ) {
        const inode = view.getBigUint64(offset, true); // d_ino
        const length = view.getUint16(offset + 16, true); // d_reclen
        const nameStart = offset + 19; // after d_ino, d_off, d_reclen, d_type
        const nameEnd = DENTS_BUFFER.indexOf(0, nameStart);
        entries.push({ name: NAME_DECODER.decode(DENTS_BUFFER.subarray(nameStart, nameEnd)), inode });
        offset += length;
      }
    }
    return { ok: true, value: { entries, deviceMajor: device.value.deviceMajor, deviceMinor: device.value.deviceMinor } };
  } finally {
    close(opened.value);
  }
}

/** waitpid(pid, WNOHANG): the pid and raw status when it has exited, or 0 while it runs. */
export function waitpidNoHang(pid: number): Sys<{ pid: number; status: number }> {
  const status = new Int32Array(1);
  const result = check(libc().waitpid(pid, ptr(status), 1 /* WNOHANG */));
  return result.ok ? { ok: true, value: { pid: result.value, status: status[0]! } } : result;
}

export type { Pointer };
