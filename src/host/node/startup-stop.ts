// A stop asked for before the servers start (scancel while a member waits for its leader, Ctrl-C during a
// long claim): berth stops starting, lets go of what it took (its rank's record, its reservations) and exits
// 128+N, instead of dying of the signal's default action with all of that left behind. Supervision takes the
// signals over once the servers start (supervise/forward-signals.ts).
import { STOP_SIGNALS } from "../../core/exit.ts";

export interface StartupStop {
  /** Aborted when a stop signal comes before the servers start. */
  readonly signal: AbortSignal;
  /** The stop signal that came, if one did. */
  readonly by: NodeJS.Signals | undefined;
  /**
   * Supervision has installed its own handlers: these go. Called only after, so that no stop signal ever
   * meets a process without a handler (the default action would kill berth with its record left behind).
   */
  handOver(): void;
}

export function watchForStartupStop(): StartupStop {
  const controller = new AbortController();
  let by: NodeJS.Signals | undefined;
  const handlers = STOP_SIGNALS.map((name) => {
    const handler = () => {
      by ??= name;
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    handOver() {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
