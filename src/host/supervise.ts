// The supervisor, read top to bottom: start every server, gate each on health, report ready, then wait for
// a signal, a server's end or the duration; stop everything (TERM, grace, KILL), reap, release, exit code.
import type { Backend, Launch, ServerGpu } from "../core/launch/launch-types.ts";
import { manifestJson, type ServerState } from "../core/launch/manifest.ts";
import { hostForUrl, reachableHost } from "../core/launch/url-host.ts";
import { restartDelay } from "../core/supervise/backoff.ts";
import { describeEnd, exitCodeForSignalName, exitCodeOf, type ChildEnd } from "../core/supervise/exit-status.ts";
import { EXIT } from "../core/exit.ts";
import type { PlannedServer, ServerPlacement } from "../core/types.ts";
import { waitHealthy } from "./health.ts";
import { useNormalJitPolicy } from "./jit-policy.ts";
import { writeManifestAtomically } from "./manifest-file.ts";
import { holdPort, releaseHold } from "./port-holds.ts";
import { becomeSubreaper, orphanPids, reapOrphans } from "./reaper.ts";
import { releaseReservation, type Reservation } from "./reservations.ts";
import { signalGroup, signalProcess, startServerProcess } from "./server-process.ts";

export interface SupervisedServer {
  server: PlannedServer;
  /** How it is started, which may differ from the spec's backend (--backend cmd). */
  backend: Backend;
  placement: ServerPlacement;
  launch: Launch;
  gpus: ServerGpu[];
  reservation: Reservation;
  label: string;
  state: ServerState;
  pid: number | null;
  startedAt: number;
  endedAt: number | null;
  restarts: number;
  end: ChildEnd | null;
  tail: string[];
}

export interface SupervisorSettings {
  host: string;
  node: number;
  healthPaths: string[];
  startupTimeoutMs: number;
  graceMs: number;
  restart: "no" | "on-failure";
  maxRestarts: number;
  /** Stop cleanly this long after all are healthy (the demo); undefined runs until a signal or a failure. */
  durationMs?: number;
  manifestPath?: string;
  logDirectory?: string;
}

export interface RunView {
  state(server: SupervisedServer, detail?: string): void;
  line(server: SupervisedServer, stream: "stdout" | "stderr", line: string): void;
  ready(servers: readonly SupervisedServer[]): void;
  message(text: string): void;
}

const FORWARDED_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const;
const TAIL_LINES = 20;

export async function supervise(servers: SupervisedServer[], settings: SupervisorSettings, view: RunView): Promise<number> {
  const spawned = new Set<number>();
  const logs = new Map<SupervisedServer, ReturnType<ReturnType<typeof Bun.file>["writer"]>>();
  let stopping = false;
  let exitCode: number | undefined;
  let interrupts = 0;
  let readyAnnounced = false;
  let graceTimer: Timer | undefined;
  let durationTimer: Timer | undefined;
  let manifestWrites = Promise.resolve();
  let allEnded: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allEnded = resolve));

  const writeManifest = () => {
    if (!settings.manifestPath) return;
    const path = settings.manifestPath;
    const manifest = manifestJson(settings.node, settings.host, servers.map((entry) => ({ ...entry, host: settings.host, url: entry.launch.url, exitCode: entry.end ? exitCodeOf(entry.end) : null })));
    manifestWrites = manifestWrites.then(() => writeManifestAtomically(path, manifest)).catch((error: Error) => view.message(error.message));
  };
  const setState = (entry: SupervisedServer, state: ServerState, detail?: string) => {
    entry.state = state;
    if (state !== "healthy") readyAnnounced = false; // after a restart, "ready" is announced again
    view.state(entry, detail);
    writeManifest();
  };
  const running = () => servers.filter((entry) => entry.pid !== null && entry.end === null);

  const killEverything = () => {
    for (const entry of running()) signalGroup(entry.pid!, "SIGKILL");
  };
  const beginStop = (signal: NodeJS.Signals, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    clearTimeout(durationTimer);
    for (const entry of running()) signalGroup(entry.pid!, signal);
    graceTimer = setTimeout(() => {
      if (running().length > 0) view.message(`grace of ${settings.graceMs / 1000}s is over; sending SIGKILL`);
      killEverything();
    }, settings.graceMs);
    if (running().length === 0) allEnded();
  };

  // 1. Signals: forwarded to every server's process group; berth exits 128+N and never re-raises.
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      if (signal === "SIGINT" && ++interrupts >= 2) {
        view.message("second interrupt: killing every server now");
        killEverything();
        return;
      }
      if (!stopping) view.message(`${signal}: stopping ${running().length} server(s), SIGKILL after ${settings.graceMs / 1000}s`);
      beginStop(signal, exitCodeForSignalName(signal));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });

  // 2. Orphans: berth adopts them as a subreaper and reaps them as they die.
  becomeSubreaper();
  const reaper = setInterval(() => reapOrphans(spawned), 1000);

  const allHealthy = () => !stopping && servers.every((entry) => entry.state === "healthy");
  const checkReady = () => {
    if (!allHealthy()) return;
    // "ready" is announced only once the manifest on disk says so too: whoever waits for the event
    // and then reads the manifest must never see a server still "starting".
    void manifestWrites.then(() => {
      if (!allHealthy() || readyAnnounced) return;
      readyAnnounced = true;
      view.ready(servers);
      if (settings.durationMs !== undefined && durationTimer === undefined) durationTimer = setTimeout(() => beginStop("SIGTERM", EXIT.ok), settings.durationMs);
    });
  };

  const start = (entry: SupervisedServer) => {
    // The hold sockets go just before the server starts, so it can bind its ports; the locks stay.
    for (const held of entry.reservation.ports) {
      releaseHold(held.sockets);
      held.sockets = [];
    }
    entry.end = null;
    entry.endedAt = null;
    entry.startedAt = Date.now();
    const log = logs.get(entry);
    const child = startServerProcess(entry.launch, (stream, line) => {
      entry.tail.push(line);
      if (entry.tail.length > TAIL_LINES) entry.tail.shift();
      log?.write(`${line}\n`);
      view.line(entry, stream, line);
    });
    spawned.add(child.pid);
    entry.pid = child.pid;
    setState(entry, "starting");
    void child.ended.then((end) => onEnd(entry, end));
    if (settings.healthPaths.length === 0 || !entry.launch.url) {
      setState(entry, "healthy");
      checkReady();
      return;
    }
    const base = `http://${hostForUrl(reachableHost(settings.host))}:${entry.placement.ports.http}`;
    void waitHealthy({ baseUrl: base, port: entry.placement.ports.http, paths: settings.healthPaths, deadline: entry.startedAt + settings.startupTimeoutMs, ended: child.ended, cancelled: () => stopping }).then((outcome) => {
      if (outcome.kind === "healthy" && entry.end === null && !stopping) {
        setState(entry, "healthy", `after ${(outcome.afterMs / 1000).toFixed(1)}s`);
        checkReady();
      } else if (outcome.kind === "timeout" && !stopping) {
        setState(entry, "failed", `not healthy after ${settings.startupTimeoutMs / 1000}s (${outcome.lastError})`);
        beginStop("SIGTERM", EXIT.serverFailed);
      }
    });
  };

  const onEnd = (entry: SupervisedServer, end: ChildEnd) => {
    entry.end = end;
    entry.endedAt = Date.now();
    const wasStarting = entry.state === "starting";
    if (stopping) {
      setState(entry, "stopped", describeEnd(end));
    } else if (settings.restart === "on-failure" && exitCodeOf(end) !== 0 && entry.restarts < settings.maxRestarts) {
      const delay = restartDelay(entry.restarts);
      entry.restarts++;
      // Hold the ports again while waiting, so nothing else takes them before the restart.
      for (const held of entry.reservation.ports) {
        const hold = holdPort(held.port, true);
        if (hold.ok) held.sockets = hold.sockets;
      }
      setState(entry, "restarting", `${describeEnd(end)}; restart ${entry.restarts} of ${settings.maxRestarts} in ${delay / 1000}s on the same GPUs and ports`);
      setTimeout(() => !stopping && start(entry), delay);
    } else {
      const when = wasStarting ? "during start-up" : "";
      setState(entry, "failed", [describeEnd(end), when].filter(Boolean).join(" "));
      if (entry.tail.length > 0) view.message(`last lines of ${entry.label}:\n${entry.tail.map((line) => `  ${line}`).join("\n")}`);
      beginStop("SIGTERM", exitCodeOf(end));
    }
    if (stopping && running().length === 0) allEnded();
  };

  // 3. Start everything, then wait for the end.
  for (const entry of servers) {
    if (settings.logDirectory) logs.set(entry, Bun.file(`${settings.logDirectory}/server-${entry.server.index}.log`).writer());
    start(entry);
  }
  useNormalJitPolicy(); // start-up is over; what runs from here on (output, health, signals) may run for days
  await finished;

  // 4. Shut down: orphans the servers left behind (in sessions of their own) get TERM, then KILL, and
  //    everything is reaped before berth exits.
  clearTimeout(graceTimer);
  const orphanDeadline = Date.now() + Math.min(settings.graceMs, 2000);
  let signalled: NodeJS.Signals | undefined;
  for (;;) {
    reapOrphans(spawned);
    const { alive, zombies } = orphanPids(spawned);
    if (alive.length + zombies.length === 0) break;
    const signal = Date.now() < orphanDeadline ? "SIGTERM" : "SIGKILL";
    if (signal !== signalled) {
      for (const pid of alive) signalProcess(pid, signal);
      signalled = signal;
    }
    if (signal === "SIGKILL" && Date.now() > orphanDeadline + 2000) break; // unkillable (D state): give up
    await Bun.sleep(10);
  }
  clearInterval(reaper);
  for (const [signal, handler] of handlers) process.off(signal, handler);
  for (const log of logs.values()) await log.end();
  for (const entry of servers) releaseReservation(entry.reservation);
  writeManifest();
  await manifestWrites;
  return exitCode ?? EXIT.ok;
}
