// One server under supervision: its launch, its reservation, and the state the supervisor keeps as it runs.
import type { ChildEnd } from "../../core/exit.ts";
import type { ServerState } from "../../core/launch/manifest.ts";
import type { ServerLaunch } from "../../core/node/node-launch-plan.ts";
import type { Reservation } from "../registry/reservations.ts";

export interface SupervisedServer extends Omit<ServerLaunch, "gpusToLock"> {
  reservation: Reservation;
  label: string;
  state: ServerState;
  pid: number | null;
  startedAt: number;
  endedAt: number | null;
  restarts: number;
  end: ChildEnd | null;
  /** berth is stopping this process because it failed its liveness checks. */
  unhealthy: boolean;
  /** The last lines it printed, shown when it fails. */
  tail: string[];
}

export function supervisedServer(launch: ServerLaunch, reservation: Reservation): SupervisedServer {
  const { gpusToLock: _locked, ...rest } = launch;
  return { ...rest, reservation, label: `s${launch.server.index}`, state: "starting", pid: null, startedAt: 0, endedAt: null, restarts: 0, end: null, unhealthy: false, tail: [] };
}
