// Waits for a request to stop (TERM, INT or HUP), for helper processes that otherwise just live on.
import { SIGNAL_NUMBERS } from "../core/supervise/exit-status.ts";

export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => resolve(signal));
  });
}

export function signalNumber(signal: NodeJS.Signals): number {
  return SIGNAL_NUMBERS[signal] ?? 0;
}
