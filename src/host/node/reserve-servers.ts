// Reserving a node's servers all or nothing: each server's GPUs, then its port block. One refusal releases
// everything taken so far, so a refused launch leaves nothing held.
import type { ServerLaunch } from "../../core/node/node-launch-plan.ts";
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import type { Registry } from "../registry.ts";
import { releaseReservation, reserveBlock, reserveGpus, type Holder, type Reservation } from "../reservations.ts";
import { supervisedServer, type SupervisedServer } from "../supervise/supervised-server.ts";

function reserveServer(registry: Registry, launch: ServerLaunch, holder: Holder): Outcome<Reservation> {
  const { server, placement } = launch;
  const gpus = reserveGpus(registry, launch.gpusToLock.map((gpu) => gpu.uuid), holder);
  if (!gpus.ok) return refused(environmentRefusal(`GPU ${gpus.uuid} for server ${server.index} is ${gpus.why}; berth will not share a GPU with another launch`));
  // TIME_WAIT leftovers of a previous run on these very ports do not block a planned block (see holdPort).
  const block = reserveBlock(registry, placement.ports, holder, { allowTimeWait: true });
  if (!block.ok) {
    releaseReservation({ ports: [], gpus: gpus.gpus });
    return refused(environmentRefusal(`port ${block.port} of server ${server.index}'s block ${placement.ports.first}-${placement.ports.last} is ${block.why}; free it or choose another --port-pool`));
  }
  return succeeded({ ports: block.ports, gpus: gpus.gpus });
}

export function reserveServers(registry: Registry, launches: readonly ServerLaunch[], holder: Holder): Outcome<SupervisedServer[]> {
  const servers: SupervisedServer[] = [];
  for (const launch of launches) {
    const reservation = reserveServer(registry, launch, holder);
    if (!reservation.ok) {
      releaseServers(servers);
      return reservation;
    }
    servers.push(supervisedServer(launch, reservation.value));
  }
  return succeeded(servers);
}

export function releaseServers(servers: readonly SupervisedServer[]): void {
  for (const server of servers) releaseReservation(server.reservation);
}
