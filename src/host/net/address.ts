// The address this node advertises to other nodes and the trainer: the IPv4 address of the interface that
// carries the default route, else (no default route, IPv6 only) the first non-loopback address, as AReaL
// learned to pick it (#778): never 127.0.0.1 by accident, and never docker0 just because it comes first.
import { networkInterfaces } from "node:os";
import { defaultRouteInterface } from "../../core/net/default-route.ts";
import { readSmallFile } from "../../ffi/libc.ts";

export function advertisedAddress(): { address: string; fallback: boolean } {
  const interfaces = networkInterfaces();
  const routed = defaultRouteInterface(readSmallFile("/proc/net/route") ?? "");
  const onRoute = routed === undefined ? undefined : (interfaces[routed] ?? []).find((entry) => entry.family === "IPv4" && !entry.internal);
  if (onRoute) return { address: onRoute.address, fallback: false };
  const addresses = Object.values(interfaces).flatMap((entries) => entries ?? []).filter((entry) => !entry.internal);
  const ipv4 = addresses.find((entry) => entry.family === "IPv4");
  if (ipv4) return { address: ipv4.address, fallback: false };
  const ipv6 = addresses.find((entry) => entry.family === "IPv6" && !entry.address.startsWith("fe80:"));
  if (ipv6) return { address: ipv6.address, fallback: false };
  return { address: "127.0.0.1", fallback: true };
}
