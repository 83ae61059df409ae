// Terminal checks and complete synchronous writes through libc. Both node:tty and process.stdout cost
// 6-8 ms of start-up in a compiled binary, more than a whole `berth plan`; libc costs well under one.
import { close, isatty, write } from "../ffi/libc.ts";
import { ERRNO } from "../ffi/linux-constants.ts";

const RETRY_WAIT = new Int32Array(new SharedArrayBuffer(4));
const encoder = new TextEncoder();

export function isTerminal(fd: number): boolean {
  return isatty(fd);
}

/** Writes all of `text`; false when the reader is gone (EPIPE) or the fd is closed. */
export function writeAll(fd: number, text: string): boolean {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) {
    const written = write(fd, bytes);
    if (written.ok) {
      bytes = bytes.subarray(written.value);
    } else if (written.errno === ERRNO.EAGAIN) {
      Atomics.wait(RETRY_WAIT, 0, 0, 1); // A non-blocking pipe from our parent: wait for its reader.
    } else if (written.errno !== ERRNO.EINTR) {
      return false; // The reader is gone (EPIPE) or the fd is closed: there is nobody left to tell.
    }
  }
  return true;
}

/** Closes fd 1, so a parent reading our stdout sees EOF while we live on. */
export function closeStandardOutput(): void {
  close(1);
}
