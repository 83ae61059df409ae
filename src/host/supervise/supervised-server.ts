// One server under supervision: its launch, its reservation, and the state the supervisor keeps as it runs.
import type { ChildEnd } from "../../core/exit.ts";
import type { ServerState } from "../../core/launch/manifest.ts";
import { noObservations, type ServerObservations } from "../../core/observe/server-observations.ts";
import { latencyHistogram, type Histogram } from "../../core/observe/histogram.ts";
import type { ServerLaunch } from "../../core/node/node-launch-plan.ts";
import type { Reservation } from "../registry/reservations.ts";

export interface SupervisedServer extends ServerLaunch, ServerObservations {
  reservation: Reservation;
  label: string;
  state: ServerState;
  pid: number | null;
  startedAt: number;
  endedAt: number | null;
  restarts: number;
  end: ChildEnd | null;
  /** berth is stopping this process because it failed its liveness checks (or a stranger serves its port). */
  unhealthy: boolean;
  /** A stranger serves its port: its restart comes back on another block of the pool. */
  portTaken?: boolean;
  /** The listening sockets found in its own process tree: the port's owner, checked cheaply from then on. */
  servingSockets?: Set<string>;
  /** The last lines it printed, shown when it fails. */
  tail: string[];
  /** Every health check's latency since berth started it, for /metrics. */
  latencies: Histogram;
}

export function supervisedServer(launch: ServerLaunch, reservation: Reservation): SupervisedServer {
  const observed = noObservations(Date.now());
  return { ...launch, ...observed, reservation, label: `s${launch.server.index}`, state: "starting", pid: null, startedAt: 0, endedAt: null, restarts: 0, end: null, unhealthy: false, tail: [], latencies: latencyHistogram() };
}
