// The reservation behind `berth ports`, shared by the direct form (-- CMD) and the detached TTL holder.
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { poolShortfall } from "../../core/ports/port-request.ts";
import type { PortRange } from "../../core/types.ts";
import { readHostPortSettings } from "./kernel-port-settings.ts";
import { openRegistry } from "./registry.ts";
import { reserveFreeBlocks, reserveFreePorts, type HeldPort, type Holder } from "./reservations.ts";

export interface PortsRequest {
  /** Ports, or blocks when blockSize is set. */
  count: number;
  /** Contiguous ports per block; absent for single ports. */
  blockSize?: number;
  pool?: PortRange;
  holder: Holder;
}

export interface ReservedPorts {
  held: HeldPort[];
  /** One range per block (a single port is a block of one). */
  blocks: PortRange[];
}

export async function reserveRequestedPorts(request: PortsRequest, env: Record<string, string | undefined>): Promise<Outcome<ReservedPorts>> {
  const host = readHostPortSettings();
  const pool = request.pool ?? host.defaultPool;
  const width = request.blockSize ?? 1;
  const shortfall = poolShortfall(pool, host.reservedPorts, request.count, width);
  // A pool the user named that cannot hold the request is bad input; the kernel's default pool is the host's.
  if (shortfall) return refused({ kind: request.pool === undefined ? "environment" : "bad-input", message: shortfall });
  const registry = await openRegistry(env);
  if (!registry.ok) return refused(registry.refusal);
  if (request.blockSize === undefined) {
    const reserved = reserveFreePorts(registry.registry, request.count, pool, host.reservedPorts, request.holder);
    if (!reserved.ok) {
      if (reserved.fatal) return refused(environmentRefusal(reserved.fatal));
      const unsafe = reserved.unsafe.length > 0 ? `; ${reserved.unsafe[0]}` : reserved.example ? `; e.g. ${reserved.example}` : "";
      return refused(environmentRefusal(`only ${reserved.found} of ${request.count} ports in ${pool.first}-${pool.last} are free (the rest are held by other berths or bound by other processes)${unsafe}`));
    }
    return succeeded({ held: reserved.ports, blocks: reserved.ports.map((held) => ({ first: held.port, last: held.port })) });
  }
  const reserved = reserveFreeBlocks(registry.registry, request.count, width, pool, host.reservedPorts, request.holder);
  if (!reserved.ok && reserved.fatal) return refused(environmentRefusal(reserved.fatal));
  if (!reserved.ok) return refused(environmentRefusal(`only ${reserved.found} of ${request.count} blocks of ${width} contiguous free ports fit in ${pool.first}-${pool.last}; widen --port-pool`));
  return succeeded({ held: reserved.blocks.flat(), blocks: reserved.blocks.map((block) => ({ first: block[0]!.port, last: block.at(-1)!.port })) });
}
