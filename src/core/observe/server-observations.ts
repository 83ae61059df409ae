// What berth has seen of one server, beyond its state: its last health check (when, how long, what came back),
// how long it took to become healthy, and how its last process ended. `status`, the manifest, the node record
// and /metrics all show these, so they are plain data, filled in by the supervisor and read by everyone.
import type { ChildEnd } from "../exit.ts";
import type { HealthFailure } from "../supervise/health-failure.ts";

export interface HealthCheck {
  /** Epoch ms of the answer (or of the failure). */
  at: number;
  latencyMs: number;
  ok: boolean;
  /** The HTTP status, when the server answered at all. */
  status?: number;
  /** Why it failed, in a few words: "connection refused", "HTTP 503", "no answer in 2s". */
  error?: string;
}

export interface LastExit {
  code: number | null;
  signal: string | null;
  /** Epoch ms. */
  at: number;
}

export interface ServerObservations {
  /** Epoch ms of the last state change. */
  since: number;
  health: HealthCheck | null;
  /** From the start of its process to its first healthy answer, for its current process. */
  healthyAfterMs: number | null;
  /** How its previous process ended: the crash a restart came after. */
  lastExit: LastExit | null;
}

export function noObservations(now: number): ServerObservations {
  return { since: now, health: null, healthyAfterMs: null, lastExit: null };
}

/** A failed request in a few words: what a user waiting for the server needs to know. */
export function healthFailureInWords(failure: HealthFailure): string {
  if (failure.kind === "answered") return `HTTP ${failure.status}`;
  if (failure.kind === "refused") return "connection refused";
  return /timed? ?out/i.test(failure.detail) ? "no answer in time" : failure.detail.slice(0, 120);
}

export function healthCheckOf(at: number, latencyMs: number, failure: HealthFailure | undefined, status?: number): HealthCheck {
  if (failure === undefined) return { at, latencyMs, ok: true, ...(status === undefined ? {} : { status }) };
  return { at, latencyMs, ok: false, ...(failure.kind === "answered" ? { status: failure.status } : {}), error: healthFailureInWords(failure) };
}

export function lastExitOf(end: ChildEnd, at: number): LastExit {
  return { code: end.code, signal: end.signal, at };
}

/** "code 1" or "SIGKILL". */
export function describeLastExit(exit: LastExit): string {
  return exit.code !== null ? `code ${exit.code}` : (exit.signal ?? "unknown");
}

/** "200 in 3 ms" or "connection refused". */
export function describeHealthCheck(check: HealthCheck): string {
  return check.ok ? `${check.status ?? "ok"} in ${Math.round(check.latencyMs)} ms` : (check.error ?? "failed");
}

/** "4s", "3m 20s", "2h 5m": how long ago, or how long for. */
export function shortDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${minutes % 60}m`;
}
