// Every JSON document berth prints or writes says its schemaVersion first, every --json event line too,
// and a run's event stream ends with an `exit` event carrying berth's exit code and why.
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { runBerth } from "../support/berth-process.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";

afterEach(killLeftoverBerths);

const BLOCK = vllmBackend.block.width;
const SERVE = ["--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1"];
const lines = (stdout: string) => stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));

describe("schemaVersion", () => {
  test("plan, probe, status, ports and version documents begin with schemaVersion 1", async () => {
    const runs = {
      plan: await runBerth(["plan", "vllm:d2", "--nodes", "1", "--gpus-per-node", "2", "--json"]),
      probe: await runBerth(["probe", "--json"], { env: { BERTH_NVML_LIBRARY: fakeNvmlLibrary() } }),
      status: await runBerth(["status", "--json"]),
      ports: await runBerth(["ports", "-n", "2", "--ttl", "1s", "--port-pool", freePortWindow(8).pool, "--json"]),
      version: await runBerth(["version", "--json"]),
    };
    for (const [command, run] of Object.entries(runs)) {
      expect({ command, code: run.code, stderr: run.stderr }).toEqual({ command, code: 0, stderr: "" });
      expect({ command, first: Object.keys(JSON.parse(run.stdout))[0], version: JSON.parse(run.stdout).schemaVersion }).toEqual({ command, first: "schemaVersion", version: 1 });
    }
  });

  test("the manifest says its schemaVersion", async () => {
    const manifest = join(tmpdir(), `berth-schema-${process.pid}.json`);
    const berth = startBerth(["run", "vllm:d1", ...SERVE, "--json", "--manifest", manifest, "--port-pool", freePortWindow(BLOCK).pool, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    expect(JSON.parse(readFileSync(manifest, "utf8"))).toMatchObject({ schemaVersion: 1, servers: [{ state: "healthy" }] });
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });
});

describe("the exit event", () => {
  test("a stop by SIGTERM ends the stream with exit 143 'stopped by SIGTERM', every line versioned", async () => {
    const berth = startBerth(["run", "vllm:d1", ...SERVE, "--json", "--port-pool", freePortWindow(BLOCK).pool, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(berth.events.every((event) => event.schemaVersion === 1)).toBe(true);
    expect(berth.events.at(-1)).toMatchObject({ event: "exit", code: 143, reason: "stopped by SIGTERM" });
    expect(berth.events.filter((event) => event.event === "exit")).toHaveLength(1);
  });

  test("a server's failure: the code is the server's and the reason names it", async () => {
    const run = await runBerth(["run", "vllm:d1", ...SERVE, "--json", "--health-path", "none", "--port-pool", freePortWindow(BLOCK).pool, "--", "sh", "-c", "exit 7"]);
    expect(run).toExitWith(7);
    expect(lines(run.stdout).at(-1)).toMatchObject({ schemaVersion: 1, event: "exit", code: 7, reason: "s0 exited with code 7" });
  });

  test("a refusal before anything starts still ends the stream with its exit event, and stderr has the one line", async () => {
    const run = await runBerth(["run", "vllm:d1", ...SERVE, "--json", "--health-path", "health", "--port-pool", freePortWindow(BLOCK).pool, "--", "true"]);
    expect(run).toExitWith(2);
    const end = lines(run.stdout).at(-1);
    expect(end).toMatchObject({ schemaVersion: 1, event: "exit", code: 2 });
    expect(run.stderr).toBe(`berth: ${end.reason}\n`);
  });

  test("without --json the last line on stderr says the code and why", async () => {
    const run = await runBerth(["run", "vllm:d1", ...SERVE, "--health-path", "none", "--port-pool", freePortWindow(BLOCK).pool, "--", "sh", "-c", "exit 7"]);
    expect(run).toExitWith(7);
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe("berth: exit 7: s0 exited with code 7");
  });
});
