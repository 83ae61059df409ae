// Health gating: GET each path in turn until it answers 2xx. While nothing answers, polls start at 25 ms and
// back off to 1 s, and wake at once when the port starts listening; once the server answers (503 while it
// warms up) it is asked every 40 ms. The process is watched throughout, so a server that dies during
// start-up is reported at once.
import { ANSWERING_POLL_MS, nextHealthDelay } from "../core/supervise/backoff.ts";
import { whenListening } from "./listen-watch.ts";

export type HealthOutcome = { kind: "healthy"; afterMs: number } | { kind: "exited" } | { kind: "timeout"; lastError: string } | { kind: "cancelled" };

const REQUEST_TIMEOUT_MS = 2000;

async function answers(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.ok ? undefined : `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function waitHealthy(options: { baseUrl: string; port: number; paths: readonly string[]; deadline: number; ended: Promise<unknown>; cancelled: () => boolean }): Promise<HealthOutcome> {
  const started = Date.now();
  let exited = false;
  void options.ended.then(() => (exited = true));
  let delay: number | undefined;
  let lastError = "no answer yet";
  let pathIndex = 0;
  while (!exited && !options.cancelled()) {
    if (pathIndex >= options.paths.length) return { kind: "healthy", afterMs: Date.now() - started };
    const error = await Promise.race([answers(`${options.baseUrl}${options.paths[pathIndex]}`), options.ended.then(() => "exited")]);
    if (exited) break;
    if (error === undefined) {
      pathIndex++;
      continue;
    }
    lastError = `${options.paths[pathIndex]}: ${error}`;
    if (Date.now() >= options.deadline) return { kind: "timeout", lastError };
    const answered = /^HTTP \d+$/.test(error);
    delay = answered ? ANSWERING_POLL_MS : nextHealthDelay(delay);
    // A refused connection means nothing listens yet: the moment something does, poll again at once.
    const refused = /refused|ECONNREFUSED|Unable to connect/i.test(error);
    const listening = refused ? whenListening(options.port) : undefined;
    const woke = await Promise.race([
      Bun.sleep(Math.min(delay, Math.max(0, options.deadline - Date.now()))).then(() => false),
      options.ended.then(() => false),
      listening ? listening.promise.then(() => true) : new Promise<boolean>(() => {}),
    ]);
    listening?.cancel();
    if (woke) delay = undefined;
  }
  return exited ? { kind: "exited" } : { kind: "cancelled" };
}
