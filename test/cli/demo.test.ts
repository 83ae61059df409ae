// `berth demo`: the main job without GPUs, on a real pseudo-terminal (live table) and off one (plain lines).
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, runBerth } from "../support/berth-process.ts";
import { killLeftoverBerths } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

test("off a terminal: plain lines, every server healthy, a clean stop, the manifest", async () => {
  const manifest = join(mkdtempSync(join(tmpdir(), "berth-demo-")), "manifest.json");
  const run = await runBerth(["demo", "--servers", "3", "--duration", "300ms", "--port-pool", freePortWindow(100).pool, "--manifest", manifest, "--addrs-env"]);
  expect(run).toExitWith(0);
  expect(run.stdout).toContain("berth: all 3 server(s) healthy");
  expect(run.stdout).toMatch(/^AREAL_LLM_SERVER_ADDRS=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/m);
  expect(run.stderr).toContain("berth demo: done (exit 0)");
  const written = JSON.parse(readFileSync(manifest, "utf8"));
  expect(written.servers.map((server: { state: string; exitCode: number }) => [server.state, server.exitCode])).toEqual([["stopped", 0], ["stopped", 0], ["stopped", 0]]);
});

test("on a terminal: the live table shows each server's state", async () => {
  expect(existsSync("/usr/bin/script") || Bun.which("script") !== null).toBe(true);
  const window = freePortWindow(100);
  const command = [...berthArgv(), "demo", "--servers", "2", "--duration", "300ms", "--port-pool", window.pool].map((part) => `'${part}'`).join(" ");
  const child = Bun.spawn(["script", "-qec", command, "/dev/null"], { stdout: "pipe", stderr: "pipe", env: { ...process.env, TERM: "xterm", BERTH_REGISTRY_DIR: mkdtempSync(join(tmpdir(), "berth-demo-reg-")) } });
  const [output, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  if (code !== 0) throw new Error(`berth demo exited ${code}:\n${output}`);
  expect(output).toContain("SERVER  GPUS  PORTS");
  expect(output).toMatch(new RegExp(`s1\\s+1\\s+${window.first + vllmBackend.block.width}-${window.first + 2 * vllmBackend.block.width - 1}\\s+healthy`));
  expect(output).toContain("all 2 server(s) healthy");
  expect(output).toContain("\x1b[J"); // the table is redrawn in place
});
