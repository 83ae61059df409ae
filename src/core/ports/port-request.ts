// Pure checks for `berth ports`: does the pool hold the request at all (else it is bad input)?
import type { PortRange } from "../types.ts";
import { countFreeInPool } from "./kernel-port-settings.ts";

/** `count` ports, or `count` blocks of `width`: whether the pool could ever hold them. */
export function poolShortfall(pool: PortRange, reserved: readonly PortRange[], count: number, width = 1): string | undefined {
  const usable = countFreeInPool(pool, reserved);
  const needed = count * width;
  if (usable >= needed) return undefined;
  const request = width === 1 ? `-n ${count}` : `-n ${count} blocks of ${width} (${needed} ports)`;
  return `the pool ${pool.first}-${pool.last} holds ${usable} usable port${usable === 1 ? "" : "s"} (less ip_local_reserved_ports), fewer than ${request}; widen --port-pool`;
}

/** The variables a command (or `eval "$(berth ports --format env)"`) gets; blocks add BERTH_BLOCK_i. */
export function portsAsEnvironment(ports: readonly number[], blocks?: readonly PortRange[]): Record<string, string> {
  const environment: Record<string, string> = { BERTH_PORTS: ports.join(",") };
  ports.forEach((port, index) => (environment[`BERTH_PORT_${index}`] = String(port)));
  if (blocks) {
    environment.BERTH_BLOCKS = blocks.map((block) => `${block.first}-${block.last}`).join(",");
    blocks.forEach((block, index) => (environment[`BERTH_BLOCK_${index}`] = `${block.first}-${block.last}`));
  }
  return environment;
}
