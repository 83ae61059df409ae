import { expect, test } from "bun:test";
import { latencyHistogram } from "../../../src/core/observe/histogram.ts";
import { escapeLabel, metricsText } from "../../../src/core/observe/prometheus-text.ts";
import { healthCheckOf, healthFailureInWords } from "../../../src/core/observe/server-observations.ts";

test("label values escape backslash, quote and newline", () => {
  expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
});

test("the histogram's buckets are cumulative, +Inf is the count, and the sum adds up", () => {
  const latencies = latencyHistogram([0.01, 0.1]);
  for (const seconds of [0.005, 0.05, 0.5]) latencies.observe(seconds);
  const text = metricsText({ node: 0, job: "j", reservedPorts: 16, reservedGpus: 1, servers: [{ index: 3, node: 0, component: 'odd"name', state: "healthy", restarts: 2, lastExit: { code: null, signal: "SIGKILL", at: 0 }, healthyAfterMs: 1500, latencies }] });
  const labels = 'server="3",node="0",component="odd\\"name",job="j"';
  expect(text).toContain(`berth_server_health_check_seconds_bucket{${labels},le="0.01"} 1\n`);
  expect(text).toContain(`berth_server_health_check_seconds_bucket{${labels},le="0.1"} 2\n`);
  expect(text).toContain(`berth_server_health_check_seconds_bucket{${labels},le="+Inf"} 3\n`);
  expect(text).toContain(`berth_server_health_check_seconds_sum{${labels}} 0.555\n`);
  expect(text).toContain(`berth_server_last_exit_code{${labels}} 137\n`);
  expect(text).toContain(`berth_server_restarts_total{${labels}} 2\n`);
  expect(text).toContain(`berth_server_time_to_healthy_seconds{${labels}} 1.5\n`);
  expect(text).toContain(`# TYPE berth_server_restarts_total counter\n`);
});

test("a server never exited and never healthy has no last-exit or time-to-healthy sample", () => {
  const text = metricsText({ node: 1, job: "", reservedPorts: 0, reservedGpus: 0, servers: [{ index: 0, node: 1, component: "vllm", state: "starting", restarts: 0, lastExit: null, healthyAfterMs: null, latencies: latencyHistogram() }] });
  expect(text).not.toContain("berth_server_last_exit_code");
  expect(text).not.toContain("berth_server_time_to_healthy_seconds");
  expect(text).toContain('berth_server_up{server="0",node="1",component="vllm",job=""} 0\n');
});

test("health failures in a few words", () => {
  expect(healthFailureInWords({ kind: "refused", detail: "Unable to connect" })).toBe("connection refused");
  expect(healthFailureInWords({ kind: "answered", status: 503 })).toBe("HTTP 503");
  expect(healthFailureInWords({ kind: "other", detail: "The operation timed out." })).toBe("no answer in time");
  expect(healthCheckOf(5, 2.5, undefined, 200)).toEqual({ at: 5, latencyMs: 2.5, ok: true, status: 200 });
  expect(healthCheckOf(5, 2.5, { kind: "answered", status: 503 })).toEqual({ at: 5, latencyMs: 2.5, ok: false, status: 503, error: "HTTP 503" });
});
