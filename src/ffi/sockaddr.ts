// sockaddr_in (16 bytes) and sockaddr_in6 (28 bytes), written once. Ports are big-endian on the wire.
import { AF_INET, AF_INET6 } from "./linux-constants.ts";

export const SOCKADDR_IN_SIZE = 16;
export const SOCKADDR_IN6_SIZE = 28;

/** 0.0.0.0:port */
export function anyIpv4(port: number): Uint8Array {
  const bytes = new Uint8Array(SOCKADDR_IN_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, AF_INET, true); // sin_family, host order
  view.setUint16(2, port, false); // sin_port, network order
  return bytes; // sin_addr 0.0.0.0 and sin_zero stay zero
}

/** [::]:port */
export function anyIpv6(port: number): Uint8Array {
  const bytes = new Uint8Array(SOCKADDR_IN6_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, AF_INET6, true);
  view.setUint16(2, port, false);
  return bytes; // flowinfo, in6addr_any and scope_id stay zero
}

// One scratch address per family for the bind checks, which bind thousands of ports in a row: a fresh
// small array per bind costs more than the bind (ptr() moves its storage out of the GC heap each time).
const SCRATCH_IPV4 = anyIpv4(0);
const SCRATCH_IPV6 = anyIpv6(0);

/** 0.0.0.0:port in a shared buffer, valid until the next call: for a bind made at once. */
export function scratchIpv4(port: number): Uint8Array {
  SCRATCH_IPV4[2] = port >> 8;
  SCRATCH_IPV4[3] = port & 0xff;
  return SCRATCH_IPV4;
}

/** [::]:port in a shared buffer, valid until the next call. */
export function scratchIpv6(port: number): Uint8Array {
  SCRATCH_IPV6[2] = port >> 8;
  SCRATCH_IPV6[3] = port & 0xff;
  return SCRATCH_IPV6;
}

export function portOf(address: Uint8Array): number {
  return new DataView(address.buffer, address.byteOffset).getUint16(2, false);
}
