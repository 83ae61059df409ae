// Pure checks for `berth ports`: does the pool hold the request at all (else it is bad input)?
import type { PortRange } from "../types.ts";
import { countFreeInPool } from "./kernel-port-settings.ts";

export function poolShortfall(pool: PortRange, reserved: readonly PortRange[], count: number): string | undefined {
  const usable = countFreeInPool(pool, reserved);
  if (usable >= count) return undefined;
  return `the pool ${pool.first}-${pool.last} holds ${usable} usable port${usable === 1 ? "" : "s"} (less ip_local_reserved_ports), fewer than -n ${count}; widen --port-pool`;
}

/** Lines that `eval "$(berth ports --format env)"` can use. */
export function portsAsEnvironment(ports: readonly number[]): Record<string, string> {
  const environment: Record<string, string> = { BERTH_PORTS: ports.join(",") };
  ports.forEach((port, index) => (environment[`BERTH_PORT_${index}`] = String(port)));
  return environment;
}
