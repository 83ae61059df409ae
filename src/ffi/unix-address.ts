// sockaddr_un for an abstract unix socket name: sun_family, then a NUL, then the name (not NUL-terminated;
// its length is the address length). Abstract names live in the network namespace, not the filesystem: no
// file to delete, plant or leave behind, and the kernel frees the name when its last socket closes.
import { AF_UNIX } from "./linux-constants.ts";

/** sizeof(sun_path): an abstract name may use 107 bytes of it after the leading NUL. */
const SUN_PATH = 108;
const SCRATCH = new Uint8Array(2 + SUN_PATH);
const encoder = new TextEncoder();
new DataView(SCRATCH.buffer).setUint16(0, AF_UNIX, true);

/** The address of abstract name `name`, in a shared buffer valid until the next call (a bind made at once). */
export function abstractUnixAddress(name: string): Uint8Array {
  SCRATCH[2] = 0;
  const { written } = encoder.encodeInto(name, SCRATCH.subarray(3));
  return SCRATCH.subarray(0, 3 + written);
}
