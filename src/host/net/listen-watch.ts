// Wakes health polling the moment a server's port starts listening. vLLM binds early but listens only once
// its model is loaded, so this turns a backed-off poll (up to 1 s late) into one within ~25 ms. One reader
// serves every starting server (one dump of the listening sockets, ~0.1 ms, for all), it looks as often as
// core/supervise/timing.ts's LISTEN_LOOK says, and it stops when nobody waits.
import { LISTEN_LOOK } from "../../core/supervise/timing.ts";
import { listeningSocketsOnThisHost } from "./tcp-sockets.ts";

const waiters = new Map<number, Set<() => void>>();
let timer: Timer | undefined;
/** When the newest wait began: while it is young, looks come eagerly. */
let newestWaitAt = 0;

function nextLook(): void {
  const delay = performance.now() - newestWaitAt < LISTEN_LOOK.eagerForMs ? LISTEN_LOOK.eagerMs : LISTEN_LOOK.steadyMs;
  timer = setTimeout(check, delay);
}

function check(): void {
  timer = undefined;
  const listening = listeningSocketsOnThisHost();
  for (const [port, callbacks] of waiters) {
    if (!listening.has(port)) continue;
    waiters.delete(port);
    callbacks.forEach((wake) => wake());
  }
  if (waiters.size > 0) nextLook();
}

/** Resolves when something listens on the port (looked for from the next few milliseconds on); cancel() stops waiting. */
export function whenListening(port: number): { promise: Promise<void>; cancel(): void } {
  let wake: () => void = () => {};
  const promise = new Promise<void>((resolve) => (wake = resolve));
  const callbacks = waiters.get(port) ?? new Set();
  callbacks.add(wake);
  waiters.set(port, callbacks);
  newestWaitAt = performance.now();
  if (timer === undefined) nextLook();
  return {
    promise,
    cancel() {
      callbacks.delete(wake);
      if (callbacks.size === 0) waiters.delete(port);
      if (waiters.size === 0 && timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
    },
  };
}
