// Signals to berth: TERM, INT, HUP and QUIT start the stop, forwarded to every server's process group;
// berth ends as `signalled` (128+N) and never re-raises. Any of them again, once the stop has begun, kills every server at
// once, and nothing cuts berth's own cleanup short: Slurm's --kill-on-bad-exit and impatient users send
// storms of them, and from when supervision ends until berth exits they are ignored. Every other catchable
// signal (USR1, USR2, ALRM, WINCH…) is passed on to the servers' groups as tini does, and berth runs on:
// unhandled, each of them would kill berth at once with no stop sequence.
// A job cancelled by its scheduler is a stop, whatever order the deaths came in: once berth itself got a
// stop signal it ends as `signalled`, and a server that died of a stop signal just before is `stopped`, not `failed`.
import { isStopSignal, STOP_SIGNALS } from "../../core/exit.ts";
import { signalGroup } from "../process/server-process.ts";
import { beginStop, killEverything } from "./stop-servers.ts";
import type { SupervisorRun } from "./supervisor-run.ts";

/** What tini forwards, less the stop signals, the synchronous faults (SEGV, BUS…) and job control. */
const PASSED_ON_SIGNALS = ["SIGUSR1", "SIGUSR2", "SIGALRM", "SIGWINCH", "SIGVTALRM", "SIGPROF", "SIGPWR", "SIGXCPU", "SIGXFSZ", "SIGURG"] as const;

/** berth was signalled: its ending says so, and servers the same cancellation killed first were stopped. */
function stoppedBySignal(run: SupervisorRun, signal: NodeJS.Signals): void {
  run.ending = { kind: "signalled", signal };
  run.signalled = true;
  for (const entry of run.servers) {
    if (entry.state === "failed" && isStopSignal(entry.end?.signal ?? null)) run.setState(entry, "stopped", `killed by ${entry.end!.signal} as berth got ${signal}`);
  }
}

const ignore = () => {};

/** Installs the handlers; returns what puts them out of work (stop signals are ignored from then on). */
export function forwardSignals(run: SupervisorRun): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (run.stopping && run.signalled) {
        if (run.live().length > 0) run.view.message(`${signal} again: killing every server now`);
        killEverything(run);
        return;
      }
      if (!run.stopping) run.view.message(`${signal}: stopping ${run.live().length} server(s), SIGKILL after ${run.settings.graceMs / 1000}s`);
      beginStop(run, signal, { kind: "signalled", signal }, `stopped by ${signal}`);
      stoppedBySignal(run, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const passedOn = PASSED_ON_SIGNALS.map((signal) => {
    const handler = () => {
      for (const entry of run.live()) signalGroup(entry.pid!, signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const signal of STOP_SIGNALS) process.on(signal, ignore); // until berth exits: its last writes must finish
    for (const [signal, handler] of [...handlers, ...passedOn]) process.off(signal, handler);
  };
}
