// The reservation behind `berth ports`, shared by the direct form (-- CMD) and the detached TTL holder.
import { EnvironmentError, UsageError } from "./errors.ts";
import { poolShortfall } from "../core/ports/port-request.ts";
import type { PortRange } from "../core/types.ts";
import { readHostPortSettings } from "../host/kernel-port-settings.ts";
import { openRegistry } from "../host/registry.ts";
import { reserveFreePorts, type HeldPort, type Holder } from "../host/reservations.ts";

export interface PortsRequest {
  count: number;
  pool?: PortRange;
  holder: Holder;
}

export async function reserveRequestedPorts(request: PortsRequest, env: Record<string, string | undefined>): Promise<HeldPort[]> {
  const host = readHostPortSettings();
  const pool = request.pool ?? host.defaultPool;
  const shortfall = poolShortfall(pool, host.reservedPorts, request.count);
  if (shortfall) throw new UsageError(shortfall);
  const registry = await openRegistry(env);
  if (!registry.ok) throw new EnvironmentError(registry.message);
  const reserved = reserveFreePorts(registry.registry, request.count, pool, host.reservedPorts, request.holder);
  if (!reserved.ok) {
    const unsafe = reserved.unsafe.length > 0 ? `; ${reserved.unsafe[0]}` : "";
    throw new EnvironmentError(`only ${reserved.found} of ${request.count} ports in ${pool.first}-${pool.last} are free (the rest are held by other berths or bound by other processes)${unsafe}`);
  }
  return reserved.ports;
}
