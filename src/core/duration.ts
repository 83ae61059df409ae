// Durations as people type them: 500ms, 3s, 2m, 1h, or a bare number of seconds.

const UNIT_MILLISECONDS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A year: longer is a typo (and past what a date can say, for a --ttl's end). 0 means no limit where a limit is asked. */
export const DURATION_MAX_MS = 8760 * 3_600_000;

export const DURATION_FORMS = "a duration such as 500ms, 3s, 2m or 1h, at most 8760h (a bare number means seconds)";

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const milliseconds = Number(match[1]) * UNIT_MILLISECONDS[match[2] ?? "s"]!;
  return Number.isFinite(milliseconds) && milliseconds <= DURATION_MAX_MS ? Math.round(milliseconds) : undefined;
}

/** 1200000 → "20m", 10000 → "10s", 1500 → "1500ms": the largest unit that shows the value exactly. */
export function formatDuration(milliseconds: number): string {
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    if (milliseconds >= size && milliseconds % size === 0) return `${milliseconds / size}${unit}`;
  }
  return `${milliseconds}ms`;
}
