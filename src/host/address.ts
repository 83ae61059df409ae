// This node's first non-loopback address, as AReaL learned to pick it (#778): never 127.0.0.1 by accident.
import { networkInterfaces } from "node:os";

export function firstNonLoopbackAddress(): { address: string; fallback: boolean } {
  const addresses = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []).filter((entry) => !entry.internal);
  const ipv4 = addresses.find((entry) => entry.family === "IPv4");
  if (ipv4) return { address: ipv4.address, fallback: false };
  const ipv6 = addresses.find((entry) => entry.family === "IPv6" && !entry.address.startsWith("fe80:"));
  if (ipv6) return { address: ipv6.address, fallback: false };
  return { address: "127.0.0.1", fallback: true };
}
