// Timing policies as pure functions: health polling starts fast and backs off; restarts back off harder.

/** Health polls: 25 ms, then ×1.5 each time, capped at 1 s, so a fast server is seen within tens of ms. */
export function nextHealthDelay(previous: number | undefined): number {
  if (previous === undefined) return 25;
  return Math.min(1000, Math.round(previous * 1.5));
}

/**
 * A server that answers but is not ready yet (503 while it warms up) costs almost nothing to ask, and its
 * readiness is what everyone waits for: poll it at this steady pace instead of backing off.
 */
export const ANSWERING_POLL_MS = 40;

/** Restarts: 1 s, 2 s, 4 s … capped at 30 s. */
export function restartDelay(restartsSoFar: number): number {
  return Math.min(30_000, 1000 * 2 ** restartsSoFar);
}
