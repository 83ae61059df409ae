// libc through bun:ffi. Opened by soname: glibc is already mapped into this process, so the loader returns
// that copy and never searches the working directory (Bun's bare-name fallback only runs when loading fails).
import { dlopen, FFIType, ptr, read } from "bun:ffi";

const LIBC_SONAME = "libc.so.6";

const SYMBOLS = {
  isatty: { args: [FFIType.i32], returns: FFIType.i32 },
  write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  open: { args: [FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
  close: { args: [FFIType.i32], returns: FFIType.i32 },
  access: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

let library: ReturnType<typeof dlopen<typeof SYMBOLS>> | undefined;

function libc() {
  library ??= dlopen(LIBC_SONAME, SYMBOLS);
  return library.symbols;
}

export const ERRNO = { EINTR: 4, EAGAIN: 11 } as const;
export const O_RDONLY = 0;
export const O_CLOEXEC = 0o2000000;

/** A NUL-terminated copy of a path for calls that take `const char *`. */
export function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

/** The calling thread's errno, read right after a failed call. */
export function errno(): number {
  const location = libc().__errno_location();
  return location === null ? 0 : read.i32(location, 0);
}

const R_OK = 4;

/** Whether this process may read the file at path. */
export function isReadable(path: string): boolean {
  return libc().access(ptr(cString(path)), R_OK) === 0;
}

export function isatty(fd: number): boolean {
  return libc().isatty(fd) === 1;
}

/** One write(2); returns the bytes written, or -errno. */
export function write(fd: number, bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const written = Number(libc().write(fd, ptr(bytes), bytes.length));
  return written >= 0 ? written : -errno();
}

/** Reads a small file (a /proc or /sys entry) synchronously; undefined when it cannot be opened or read. */
export function readSmallFile(path: string, limit = 1 << 20): string | undefined {
  const fd = libc().open(ptr(cString(path)), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = new Uint8Array(4096);
      const count = Number(libc().read(fd, ptr(chunk), chunk.length));
      if (count < 0 && errno() === ERRNO.EINTR) continue;
      if (count < 0) return undefined;
      if (count === 0 || total >= limit) break;
      chunks.push(chunk.subarray(0, count));
      total += count;
    }
  } finally {
    libc().close(fd);
  }
  return Buffer.concat(chunks).toString("utf8");
}
