// A real Prometheus (Debian's package, installed by scripts/install-e2e.sh) for the metrics tests: its own
// config scraping one target every second, its own data directory, listening on a loopback port chosen at
// run time; stopped by the test that started it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePortWindow } from "./free-ports.ts";

export const PROMETHEUS_MISSING = "prometheus and promtool are not installed: skipping the metrics end-to-end tests (scripts/install-e2e.sh installs Debian's prometheus; .ci/run does)";

export function prometheusInstalled(): boolean {
  return Bun.which("prometheus") !== null && Bun.which("promtool") !== null;
}

export interface LocalPrometheus {
  url: string;
  /** An instant query's result vector. */
  query(expression: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(target: string): Promise<LocalPrometheus> {
  const directory = mkdtempSync(join(tmpdir(), "berth-prometheus-"));
  const config = join(directory, "prometheus.yml");
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: berth\n    static_configs:\n      - targets: ["${target}"]\n`);
  const port = freePortWindow(1).first;
  const child = Bun.spawn(["prometheus", `--config.file=${config}`, `--storage.tsdb.path=${join(directory, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdout: "ignore", stderr: "pipe" });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then((response) => response.ok, () => false);
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`prometheus did not come up on ${url}: ${await new Response(child.stderr as ReadableStream).text()}`);
    await Bun.sleep(100);
  }
  return {
    url,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as { data?: { result?: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data?.result ?? [];
    },
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
}

/** `promtool check metrics` on a scrape: its exit code and what it said (problems, one per line). */
export function promtoolCheck(text: string): { code: number; output: string } {
  const run = Bun.spawnSync(["promtool", "check", "metrics"], { stdin: new TextEncoder().encode(text), stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode, output: `${run.stdout.toString()}${run.stderr.toString()}` };
}
