// --metrics-port: berth's own Prometheus endpoint. The scrape passes `promtool check metrics`, a real
// Prometheus (started here, on its own ports and data) scrapes it, the figures follow the servers (a restart
// counts, a crash's exit code shows), and a port that cannot be had is a refusal that holds nothing.
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { PROMETHEUS_MISSING, prometheusInstalled, promtoolCheck, startPrometheus } from "../support/prometheus.ts";

afterEach(killLeftoverBerths);

const missing = prometheusInstalled() ? undefined : PROMETHEUS_MISSING;
if (missing) console.warn(missing);

function runWithMetrics(metricsPort: number, registry: string) {
  return startBerth(["run", "vllm[rollout]:d2", "--simulate", "--gpus-per-node", "2", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--restart", "on-failure",
    "--metrics-port", String(metricsPort), "--port-pool", freePortWindow(100).pool, "--rendezvous", mkdtempSync(join(tmpdir(), "berth-rdv-")), "--job", "scraped", "--", ...FAKE_SERVER, "--port", "{port}"],
    { env: { BERTH_REGISTRY_DIR: registry } });
}

const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

describe.skipIf(missing !== undefined)("berth's /metrics", () => {
  test("promtool accepts it; up, state, restarts, last exit code and latency follow the servers", async () => {
    const port = freePortWindow(1).first;
    const registry = mkdtempSync(join(tmpdir(), "berth-registry-"));
    const berth = runWithMetrics(port, registry);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const first = await scrape(port);
    expect(promtoolCheck(first)).toEqual({ code: 0, output: "" });
    expect(first).toContain('berth_server_up{server="0",node="0",component="rollout",job="scraped"} 1');
    expect(first).toContain('berth_server_state{server="1",node="0",component="rollout",job="scraped",state="healthy"} 1');
    expect(first).toContain('berth_node_reserved_ports{node="0",job="scraped"} 32');
    expect(first).toMatch(/berth_server_health_check_seconds_count\{server="0",node="0",component="rollout",job="scraped"\} [1-9]\d*/);
    expect(first).toMatch(/berth_server_time_to_healthy_seconds\{server="0",[^}]*\} 0\.\d+/);

    const manifest = JSON.parse((await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } })).stdout).holders[0];
    expect(manifest.supervisor.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
    process.kill(manifest.servers[1].pid, "SIGKILL");
    await waitFor(async () => (await scrape(port)).includes('berth_server_restarts_total{server="1",node="0",component="rollout",job="scraped"} 1'), "the restart counted");
    await waitFor(async () => (await scrape(port)).includes('berth_server_up{server="1",node="0",component="rollout",job="scraped"} 1'), "s1 up again");
    const after = await scrape(port);
    expect(after).toContain('berth_server_last_exit_code{server="1",node="0",component="rollout",job="scraped"} 137');
    expect(promtoolCheck(after)).toEqual({ code: 0, output: "" });
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow(); // gone with berth
  });

  test("a real Prometheus scrapes it", async () => {
    const port = freePortWindow(1).first;
    const berth = runWithMetrics(port, mkdtempSync(join(tmpdir(), "berth-registry-")));
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    const prometheus = await startPrometheus(`127.0.0.1:${port}`);
    try {
      let series: Awaited<ReturnType<typeof prometheus.query>> = [];
      await waitFor(async () => (series = await prometheus.query("berth_server_up")).length === 2, "two berth_server_up series in Prometheus", 30_000);
      // Prometheus keeps its own `job` (the scrape job's name) and files berth's under exported_job.
      expect(series.map((sample) => [sample.metric.server, sample.metric.component, sample.metric.exported_job, sample.metric.job, sample.value[1]]).sort()).toEqual([["0", "rollout", "scraped", "berth", "1"], ["1", "rollout", "scraped", "berth", "1"]]);
      const up = await prometheus.query('up{job="berth"}');
      expect(up.map((sample) => sample.value[1])).toEqual(["1"]);
    } finally {
      await prometheus.stop();
    }
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  }, 60_000);

  test("a metrics port another process has is exit 3 naming it, before anything starts or stays held", async () => {
    const port = freePortWindow(1).first;
    const squatter = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("mine") });
    const registry = mkdtempSync(join(tmpdir(), "berth-registry-"));
    try {
      const berth = runWithMetrics(port, registry);
      const result = await berth.result();
      expect(result).toExitWith(3);
      expect(result.stderr).toMatch(new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(--metrics-port\\): EADDRINUSE; pid ${process.pid} \\(bun[^)]*\\) listens there`));
      expect(berth.events.some((event) => event.state === "starting")).toBe(false);
      expect(JSON.parse((await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: registry } })).stdout).holders).toEqual([]);
    } finally {
      squatter.stop(true);
    }
  });
});
