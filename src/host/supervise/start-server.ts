// Starting one server (first start or restart) and gating it on health; its end goes to watch-exit.ts.
import { ENDED } from "../../core/exit.ts";
import { hostForUrl, reachableHost } from "../../core/launch/url-host.ts";
import { waitHealthy, type HealthAnswer } from "../net/health.ts";
import { recordHealthAnswer } from "./health-record.ts";
import { releaseHold } from "../registry/port-holds.ts";
import { startServerProcess } from "../process/server-process.ts";
import { announceReadyWhenAllHealthy } from "./announce-ready.ts";
import { beginStop } from "./stop-servers.ts";
import type { ServerLogs } from "./server-logs.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import type { SupervisorRun } from "./supervisor-run.ts";
import { onServerEnd } from "./watch-exit.ts";
import { stopUnhealthy, watchLiveness } from "./liveness.ts";
import { formatDuration } from "../../core/duration.ts";
import { servesItsOwnPort } from "./port-ownership.ts";

const TAIL_LINES = 20;

/** The hold sockets go just before the server starts, so it can bind its ports; the locks stay. */
function releaseHoldSockets(entry: SupervisedServer): void {
  for (const held of entry.reservation.ports) {
    releaseHold(held.sockets);
    held.sockets = [];
  }
}

function gateOnHealth(run: SupervisorRun, entry: SupervisedServer, ended: Promise<unknown>): void {
  const { settings } = run;
  // A member serves no HTTP: it is healthy when its leader, on another node, answers.
  const leader = entry.role.role === "member" ? entry.role.leader : undefined;
  if (settings.healthPaths.length === 0 || (!entry.launch.url && leader === undefined)) {
    run.setState(entry, "healthy");
    announceReadyWhenAllHealthy(run);
    return;
  }
  const baseUrl = leader !== undefined ? `http://${leader}` : `http://${hostForUrl(reachableHost(settings.bindHost))}:${entry.placement.ports.http}`;
  const paths = settings.healthPaths;
  // --startup-timeout 0: no limit, as 0 means for every duration berth takes as a limit.
  const deadline = settings.startupTimeoutMs === 0 ? Number.POSITIVE_INFINITY : entry.startedAt + settings.startupTimeoutMs;
  const onAnswer = (answer: HealthAnswer) => recordHealthAnswer(entry, answer);
  void waitHealthy({ baseUrl, port: entry.placement.ports.http, paths: settings.healthPaths, deadline, ended, signal: run.running.signal, onAnswer }).then((outcome) => {
    if (run.stopping) return;
    if (outcome.kind === "healthy" && entry.end === null) {
      if (!servesItsOwnPort(run, entry)) return;
      entry.healthyAfterMs = Date.now() - entry.startedAt;
      run.setState(entry, "healthy", `after ${(outcome.afterMs / 1000).toFixed(1)}s${leader ? ` (its leader ${leader} answers)` : ""}`);
      announceReadyWhenAllHealthy(run);
      watchLiveness(run, entry, `${baseUrl}${paths[0]}`);
    } else if (outcome.kind === "wrong-path") {
      run.setState(entry, "failed", `GET ${outcome.path} answered HTTP ${outcome.status}: this server has no such health path; pass --health-path with its health endpoint (e.g. /health), or none`);
      beginStop(run, "SIGTERM", ENDED["bad-input"], `${entry.label} has no health path ${outcome.path} (HTTP ${outcome.status})`);
    } else if (outcome.kind === "timeout" && entry.end === null) {
      // Under --restart on-failure a start-up that timed out is restarted like any other failure.
      const after = formatDuration(settings.startupTimeoutMs);
      stopUnhealthy(run, entry, `not healthy after ${after} (${outcome.lastError})`, `${entry.label} was not healthy after ${after}`);
    }
  });
}

export function startServer(run: SupervisorRun, entry: SupervisedServer, logs: ServerLogs): void {
  releaseHoldSockets(entry);
  entry.end = null;
  entry.endedAt = null;
  entry.unhealthy = false;
  entry.startedAt = Date.now();
  entry.healthyAfterMs = null;
  const child = startServerProcess(entry.launch, (stream, line) => {
    entry.tail.push(line);
    if (entry.tail.length > TAIL_LINES) entry.tail.shift();
    logs.write(entry, line);
    run.view.line(entry, stream, line);
  });
  run.spawned.add(child.pid);
  run.guardian.guard(child.pid); // its group is its pid: the exec step starts a new session
  entry.pid = child.pid;
  logs.started(entry);
  run.setState(entry, "starting");
  void child.ended.then((end) => onServerEnd(run, entry, end, () => startServer(run, entry, logs)));
  gateOnHealth(run, entry, child.ended);
}
