// What a failed health request means for the next poll, decided from the error's code, never its wording.

export type HealthFailure =
  /** The server answered, just not 2xx (503 while it warms up): ask again soon. */
  | { kind: "answered"; status: number }
  /** Nothing listens on the port yet: wait for it to listen. */
  | { kind: "refused"; detail: string }
  /** Anything else (a timeout, a reset): back off. */
  | { kind: "other"; detail: string };

/** Bun's fetch says ConnectionRefused; Node's says ECONNREFUSED. */
const REFUSED_CODES = new Set(["ConnectionRefused", "ECONNREFUSED"]);

export function classifyRequestError(code: string | undefined, detail: string): HealthFailure {
  return code !== undefined && REFUSED_CODES.has(code) ? { kind: "refused", detail } : { kind: "other", detail };
}

/** 404 or 405 from the health path: no server has it there, so waiting longer will not help. */
export function isWrongPath(failure: HealthFailure): boolean {
  return failure.kind === "answered" && (failure.status === 404 || failure.status === 405);
}

export function describeHealthFailure(failure: HealthFailure): string {
  return failure.kind === "answered" ? `HTTP ${failure.status}` : failure.detail;
}
