// Health gating: GET each path in turn until it answers 2xx. While nothing answers, polls start at 25 ms and
// back off to 1 s, and wake at once when the port starts listening; once the server answers (503 while it
// warms up) it is asked every 40 ms. The process is watched throughout, so a server that dies during
// start-up is reported at once.
import { classifyRequestError, describeHealthFailure, isWrongPath, type HealthFailure } from "../../core/supervise/health-failure.ts";
import { ANSWERING_POLL_MS, HEALTH_REQUEST_TIMEOUT_MS, nextHealthDelay } from "../../core/supervise/timing.ts";
import { whenListening } from "./listen-watch.ts";

export type HealthOutcome =
  | { kind: "healthy"; afterMs: number }
  | { kind: "exited" }
  | { kind: "timeout"; lastError: string }
  /** 404/405: the path is wrong, and polling it for the whole start-up timeout would not help. */
  | { kind: "wrong-path"; path: string; status: number }
  | { kind: "cancelled" };

export interface HealthWatch {
  baseUrl: string;
  port: number;
  paths: readonly string[];
  deadline: number;
  ended: Promise<unknown>;
  /** Aborted when berth stops: the watch ends at once. */
  signal: AbortSignal;
  /** Told of every answer (status, latency): what `status` and /metrics show. */
  onAnswer?(answer: HealthAnswer): void;
}

/** One GET's outcome: no failure when the path answered 2xx. */
export interface HealthAnswer {
  failure?: HealthFailure;
  status?: number;
  latencyMs: number;
  /** Epoch ms of the answer. */
  at: number;
}

/** One GET, timed. */
export async function askHealth(url: string): Promise<HealthAnswer> {
  const started = performance.now();
  const timed = (failure: HealthFailure | undefined, status?: number): HealthAnswer => ({ failure, status, latencyMs: performance.now() - started, at: Date.now() });
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return timed(response.ok ? undefined : { kind: "answered", status: response.status }, response.status);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return timed(classifyRequestError(typeof code === "string" ? code : undefined, error instanceof Error ? error.message : String(error)));
  }
}

function nextDelay(failure: HealthFailure, previous: number | undefined): number {
  return failure.kind === "answered" ? ANSWERING_POLL_MS : nextHealthDelay(previous);
}

/** Waits for the delay, the end of the process, an abort, or (after a refusal) the port starting to listen. */
async function pause(watch: HealthWatch, delay: number, failure: HealthFailure): Promise<"woke" | "waited"> {
  const listening = failure.kind === "refused" ? whenListening(watch.port) : undefined;
  let onAbort = () => {};
  const aborted = new Promise<boolean>((resolve) => {
    onAbort = () => resolve(false);
    watch.signal.addEventListener("abort", onAbort, { once: true });
  });
  const woke = await Promise.race([
    Bun.sleep(Math.min(delay, Math.max(0, watch.deadline - Date.now()))).then(() => false),
    watch.ended.then(() => false),
    aborted,
    listening ? listening.promise.then(() => true) : new Promise<boolean>(() => {}),
  ]);
  watch.signal.removeEventListener("abort", onAbort);
  listening?.cancel();
  return woke ? "woke" : "waited";
}

export async function waitHealthy(watch: HealthWatch): Promise<HealthOutcome> {
  const started = Date.now();
  let exited = false;
  void watch.ended.then(() => (exited = true));
  let delay: number | undefined;
  let lastError = "no answer yet";
  let pathIndex = 0;
  while (!exited && !watch.signal.aborted) {
    if (pathIndex >= watch.paths.length) return { kind: "healthy", afterMs: Date.now() - started };
    const answer = await Promise.race([askHealth(`${watch.baseUrl}${watch.paths[pathIndex]}`), watch.ended.then(() => undefined)]);
    if (exited || answer === undefined) break;
    watch.onAnswer?.(answer);
    const failure = answer.failure;
    if (failure === undefined) {
      pathIndex++;
      continue;
    }
    if (isWrongPath(failure) && failure.kind === "answered") return { kind: "wrong-path", path: watch.paths[pathIndex]!, status: failure.status };
    lastError = `${watch.paths[pathIndex]}: ${describeHealthFailure(failure)}`;
    if (Date.now() >= watch.deadline) return { kind: "timeout", lastError };
    delay = nextDelay(failure, delay);
    if ((await pause(watch, delay, failure)) === "woke") delay = undefined;
  }
  return exited ? { kind: "exited" } : { kind: "cancelled" };
}
