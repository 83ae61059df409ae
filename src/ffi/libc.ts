// libc through bun:ffi. Opened by soname: glibc is already mapped into this process, so the loader returns
// that copy and never searches the working directory (Bun's bare-name fallback only runs when loading fails).
import { dlopen, FFIType, ptr, read } from "bun:ffi";

const LIBC_SONAME = "libc.so.6";

const SYMBOLS = {
  isatty: { args: [FFIType.i32], returns: FFIType.i32 },
  write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
  __errno_location: { args: [], returns: FFIType.ptr },
} as const;

let library: ReturnType<typeof dlopen<typeof SYMBOLS>> | undefined;

function libc() {
  library ??= dlopen(LIBC_SONAME, SYMBOLS);
  return library.symbols;
}

export const ERRNO = { EINTR: 4, EAGAIN: 11 } as const;

/** The calling thread's errno, read right after a failed call. */
export function errno(): number {
  const location = libc().__errno_location();
  return location === null ? 0 : read.i32(location, 0);
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
