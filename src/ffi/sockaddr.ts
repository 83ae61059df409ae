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

export function portOf(address: Uint8Array): number {
  return new DataView(address.buffer, address.byteOffset).getUint16(2, false);
}
