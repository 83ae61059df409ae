// Healthy means our server serves: before a server is called healthy, and at each liveness check, the socket
// listening on its port must belong to its own process tree (net/port-owner.ts). A stranger there fails the
// start at once, naming it; under --restart on-failure the server is stopped and comes back on a free block
// of the pool (the stranger keeps the port; berth lets go of it).
import { ENDED } from "../../core/exit.ts";
import { describeStranger, portOwner } from "../net/port-owner.ts";
import { signalGroup } from "../process/server-process.ts";
import { after } from "../timers.ts";
import { beginStop } from "./stop-servers.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import type { SupervisorRun } from "./supervisor-run.ts";

function canMove(run: SupervisorRun, entry: SupervisedServer): boolean {
  return run.settings.restart === "on-failure" && entry.restarts < run.settings.maxRestarts && run.settings.relocate !== undefined && entry.server.nodes === undefined;
}

function onStranger(run: SupervisorRun, entry: SupervisedServer, detail: string): void {
  entry.unhealthy = true;
  if (!canMove(run, entry)) {
    run.setState(entry, "failed", detail);
    beginStop(run, "SIGTERM", ENDED.environment, `${entry.label}: ${detail}`);
    return;
  }
  entry.portTaken = true;
  run.setState(entry, "unhealthy", `${detail}; stopping it to restart on a free block of the pool`);
  const pid = entry.pid!;
  signalGroup(pid, "SIGTERM");
  after(run.running.signal, run.settings.graceMs, () => {
    if (entry.pid === pid && entry.end === null) signalGroup(pid, "SIGKILL");
  });
}

/**
 * Whether the server's own tree serves its HTTP port; if a stranger does, the server is failed (or moved)
 * here and false comes back. A member serves no HTTP on this node, and a port nobody here listens on
 * (another network namespace) cannot be judged: both pass. `maxAgeMs`: the liveness checks' allowance for a
 * socket dump another check read moments before (the start gate always reads afresh).
 */
export function servesItsOwnPort(run: SupervisorRun, entry: SupervisedServer, maxAgeMs = 0): boolean {
  if (entry.role.role === "member" || entry.pid === null) return true;
  const port = entry.placement.ports.http;
  const owner = portOwner(port, entry.pid, entry.servingSockets, maxAgeMs);
  if (owner.kind === "ours") {
    entry.servingSockets = new Set(owner.inodes);
    return true;
  }
  if (owner.kind === "unknown") return true;
  onStranger(run, entry, describeStranger(port, owner, entry.label));
  return false;
}
