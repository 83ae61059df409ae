// Terminal checks and complete synchronous writes through libc. Both node:tty and process.stdout cost
// 6-8 ms of start-up in a compiled binary, more than a whole `berth plan`; libc costs well under one.
import { ERRNO, isatty, write } from "../ffi/libc.ts";

const RETRY_WAIT = new Int32Array(new SharedArrayBuffer(4));
const encoder = new TextEncoder();

export function isTerminal(fd: number): boolean {
  return isatty(fd);
}

export function writeAll(fd: number, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) {
    const written = write(fd, bytes);
    if (written >= 0) {
      bytes = bytes.subarray(written);
    } else if (written === -ERRNO.EAGAIN) {
      Atomics.wait(RETRY_WAIT, 0, 0, 1); // A non-blocking pipe from our parent: wait for its reader.
    } else if (written !== -ERRNO.EINTR) {
      return; // The reader is gone (EPIPE) or the fd is closed: there is nobody left to tell.
    }
  }
}
