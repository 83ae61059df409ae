// Wakes health polling the moment a server's port starts listening. vLLM binds early but listens only once
// its model is loaded, so this turns a backed-off poll (up to 1 s late) into one within ~25 ms. One reader
// serves every starting server, and it stops when nobody waits.
import { listeningSocketsOnThisHost } from "./tcp-sockets.ts";

const INTERVAL_MS = 25;

const waiters = new Map<number, Set<() => void>>();
let timer: Timer | undefined;

function check(): void {
  const listening = listeningSocketsOnThisHost();
  for (const [port, callbacks] of waiters) {
    if (!listening.has(port)) continue;
    waiters.delete(port);
    callbacks.forEach((wake) => wake());
  }
  if (waiters.size === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** Resolves when something listens on the port (immediately if it already does); cancel() stops waiting. */
export function whenListening(port: number): { promise: Promise<void>; cancel(): void } {
  let wake: () => void = () => {};
  const promise = new Promise<void>((resolve) => (wake = resolve));
  const callbacks = waiters.get(port) ?? new Set();
  callbacks.add(wake);
  waiters.set(port, callbacks);
  timer ??= setInterval(check, INTERVAL_MS);
  return {
    promise,
    cancel() {
      callbacks.delete(wake);
      if (callbacks.size === 0) waiters.delete(port);
    },
  };
}
