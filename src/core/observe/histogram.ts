// A Prometheus histogram of seconds: cumulative bucket counts, a sum and a count, kept as the checks come.
// Buckets for health-check latency span a fast local answer (1 ms) to the request timeout (2 s and over).

export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

export interface Histogram {
  readonly buckets: readonly number[];
  /** counts[i]: observations ≤ buckets[i] (not cumulative here; the exposition adds them up). */
  readonly counts: number[];
  sum: number;
  count: number;
  observe(seconds: number): void;
}

export function latencyHistogram(buckets: readonly number[] = LATENCY_BUCKETS_S): Histogram {
  const histogram: Histogram = {
    buckets,
    counts: buckets.map(() => 0),
    sum: 0,
    count: 0,
    observe(seconds) {
      histogram.sum += seconds;
      histogram.count++;
      const bucket = buckets.findIndex((bound) => seconds <= bound);
      if (bucket !== -1) histogram.counts[bucket]!++;
    },
  };
  return histogram;
}

/** The cumulative count of each bucket, as the exposition format wants (+Inf is `count`). */
export function cumulativeCounts(histogram: Histogram): number[] {
  let total = 0;
  return histogram.counts.map((count) => (total += count));
}
