// Timers that one AbortSignal cancels together, and that wait longer than setTimeout's ~24.8-day limit
// by chaining shorter waits (a plain setTimeout of more fires at once, with a TimeoutOverflowWarning).
import { LONGEST_TIMER_MS } from "../core/supervise/timing.ts";

export function after(signal: AbortSignal, delayMs: number, action: () => void): void {
  if (signal.aborted) return;
  const dueAt = Date.now() + delayMs;
  let timer: Timer | undefined;
  const cancel = () => clearTimeout(timer);
  const arm = () => {
    const left = dueAt - Date.now();
    if (left <= 0) {
      signal.removeEventListener("abort", cancel);
      action();
      return;
    }
    timer = setTimeout(arm, Math.min(left, LONGEST_TIMER_MS));
  };
  signal.addEventListener("abort", cancel, { once: true });
  arm();
}

/** `action` every `intervalMs` until the signal aborts; an interval past setTimeout's limit works too. */
export function every(signal: AbortSignal, intervalMs: number, action: () => void): void {
  const tick = () => {
    try {
      action();
    } finally {
      after(signal, intervalMs, tick);
    }
  };
  after(signal, intervalMs, tick);
}
