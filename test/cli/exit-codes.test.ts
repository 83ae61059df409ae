// tini's matrix: every exit code 0-255 passes through `berth exec` and `berth run`, and death by signal N
// becomes 128+N, whether the server gets the signal or berth does.
import { vllmBackend } from "../../src/core/launch/backends/vllm.ts";
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { blockOf, freePortWindow } from "../support/free-ports.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";

afterEach(killLeftoverBerths);

/** Runs in parallel would contend for the same simulated GPU in one registry; each gets its own. */
function ownRegistry(name: string): string {
  return join(tmpdir(), `berth-exit-${process.pid}-${name}`);
}

/** One vLLM-sized block per case that runs at once, cut from a window found free at run time. */
const BLOCK = vllmBackend.block.width;
const EXEC_BATCH = 16;
const RUN_BATCH = 8;

const CODES = Array.from({ length: 256 }, (_, code) => code);

/** Runs jobs a few at a time: 512 processes at once would only measure this machine's scheduler. */
async function inBatches<T>(items: readonly T[], size: number, job: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(job));
}

describe("exit codes pass through", () => {
  test("berth exec: 0-255", async () => {
    const seen: number[] = [];
    const stderr: string[] = [];
    // A batch ends before the next starts, so batches reuse the same blocks; within one, each has its own.
    const window = freePortWindow(EXEC_BATCH * BLOCK);
    await inBatches(CODES, EXEC_BATCH, async (code) => {
      const run = await runBerth(["exec", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--server", "0", "--backend", "cmd", "--port-pool", blockOf(window, code % EXEC_BATCH, BLOCK), "--", "sh", "-c", `exit ${code}`], {
        env: { BERTH_REGISTRY_DIR: ownRegistry(`exec-${code}`) },
      });
      seen[code] = run.code;
      if (run.code !== code) stderr.push(`exit ${code}: ${run.stderr}`);
    });
    expect(stderr).toEqual([]);
    expect(seen).toEqual(CODES);
  }, 120_000);

  // A server is meant to run: one that exits 0 by itself has failed the run, so `run` gives 1 for it.
  test("berth run: 1-255, and 1 for an unasked exit 0", async () => {
    const expected = CODES.map((code) => (code === 0 ? 1 : code));
    const seen: number[] = [];
    const stderr: string[] = [];
    const window = freePortWindow(RUN_BATCH * BLOCK);
    await inBatches(CODES, RUN_BATCH, async (code) => {
      const run = await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "cmd", "--health-path", "none", "--port-pool", blockOf(window, code % RUN_BATCH, BLOCK), "--", "sh", "-c", `exit ${code}`], {
        env: { BERTH_REGISTRY_DIR: ownRegistry(`run-${code}`) },
      });
      seen[code] = run.code;
      if (run.code !== expected[code]) stderr.push(`exit ${code}: ${run.stderr}`);
      if (code === 0) expect(run.stderr).toContain("s0 failed: exited with code 0 although nothing asked it to stop");
    });
    expect(stderr).toEqual([]);
    expect(seen).toEqual(expected);
  }, 120_000);

  test.each([
    ["HUP", 1],
    ["INT", 2],
    ["QUIT", 3],
    ["KILL", 9],
    ["USR1", 10],
    ["TERM", 15],
  ])("a server killed by SIG%s gives 128+%d through exec and run", async (name, number) => {
    const command = ["sh", "-c", `kill -${name} $$`];
    const exec = await runBerth(["exec", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--server", "0", "--backend", "cmd", "--port-pool", freePortWindow(BLOCK).pool, "--", ...command]);
    expect(exec).toExitWith(128 + number);
    const run = await runBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "cmd", "--health-path", "none", "--port-pool", freePortWindow(BLOCK).pool, "--", ...command]);
    expect(run).toExitWith(128 + number);
  });
});

describe("signals to berth give 128+N", () => {
  test.each([
    ["SIGHUP", 129],
    ["SIGINT", 130],
    ["SIGQUIT", 131],
    ["SIGTERM", 143],
  ] as const)("%s", async (signal, expected) => {
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", freePortWindow(BLOCK).pool, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    berth.kill(signal);
    expect(await berth.result()).toExitWith(expected);
  });
});

describe("other signals are passed on, and berth runs on", () => {
  test.each(["USR1", "USR2", "ALRM", "WINCH"] as const)("SIG%s reaches the server's process group; berth keeps running", async (name) => {
    const seen = join(tmpdir(), `berth-forward-${process.pid}-${name}`);
    // The whole group gets the signal: the shell records it, the fixture (started with it ignored) serves on,
    // and berth must neither die nor start a stop.
    const script = `(trap '' ${name}; exec ${FAKE_SERVER.join(" ")} --port {port}) & trap 'echo ${name} >> ${seen}' ${name}; while :; do wait; done`;
    const berth = startBerth(["run", "vllm:d1", "--gpus-per-node", "1", "--simulate", "--backend", "cmd", "--host", "127.0.0.1", "--json", "--port-pool", freePortWindow(BLOCK).pool, "--", "sh", "-c", script]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    berth.kill(`SIG${name}`);
    await waitFor(() => existsSync(seen) && readFileSync(seen, "utf8").includes(name), `the server to see SIG${name}`);
    expect(berth.events.some((event) => event.state === "stopped" || event.state === "failed")).toBe(false);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });
});
