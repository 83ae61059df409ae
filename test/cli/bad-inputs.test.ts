// Inputs that used to end as "internal error" (exit 1), a hang, or a 20 s parse: each is one line, exit 2.
import { describe, expect, test } from "bun:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";

function configFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "berth-bad-config-")), name);
  writeFileSync(path, text);
  return path;
}

async function refusedConfig(path: string, expected: string): Promise<void> {
  const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--config", path, "--", "true"]);
  expect(run).toExitWith(2);
  expect(run.stderr.trim().split("\n")).toEqual([`berth: config file ${path}${expected}`]);
}

describe("config files", () => {
  test("a self-referencing YAML anchor", async () => {
    await refusedConfig(configFile("anchor.yaml", "health-path: &loop\n  - *loop\n"), ": key 'health-path' must be a value or a list of values, not a nested table or list");
  });

  test("5,000 nested JSON objects (no stack overflow)", async () => {
    const deep = `{"health-path":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`;
    await refusedConfig(configFile("deep.json", deep), ": key 'health-path.a' must be a value or a list of values, not a nested table or list");
  });

  test("50,000 nested JSON objects: too large to be a config", async () => {
    const path = configFile("deeper.json", `{"health-path":${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}}`);
    await refusedConfig(path, " is 300017 bytes; a berth config is a few settings (at most 32768 bytes)");
  });

  test("a NUL byte in a path value", async () => {
    await refusedConfig(configFile("nul.toml", 'run-dir = "/tmp/a\\u0000b"\n'), ": key 'run-dir' holds a NUL byte");
  });

  test("a FIFO named *.toml does not block", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "berth-bad-config-")), "fifo.toml");
    execFileSync("mkfifo", [path]);
    await refusedConfig(path, " is not a regular file");
  });

  test("a 100,000-key TOML is refused at once instead of parsed for 20 s", async () => {
    const keys = Array.from({ length: 100_000 }, (_, index) => `k${index} = ${index}`).join("\n");
    const path = configFile("big.toml", `${keys}\n`);
    await refusedConfig(path, ` is ${Buffer.byteLength(keys) + 1} bytes; a berth config is a few settings (at most 32768 bytes)`);
  });
});

describe("internal commands and the registry", () => {
  test.each([[""], ["not json"], ["{}"]])("__hold-ports with request %p is bad input", async (request) => {
    const run = await runBerth(["__hold-ports"], { env: { BERTH_HOLD_REQUEST: request } });
    expect(run).toExitWith(2);
    expect(run.stderr.trim()).toBe("berth: __hold-ports is internal to berth ports; run berth ports --ttl instead");
  });

  test("a holder with a 70 KB command line is still listed by status (its record is clipped, not lost)", async () => {
    const padding = "x".repeat(70_000);
    const inside = `berth_status=$(${process.execPath} ${join(import.meta.dir, "../../src/main.ts")} status --json) && echo "$berth_status"`;
    const run = await runBerth(["ports", "-n", "1", "--port-pool", freePortWindow(20).pool, "--", "sh", "-c", inside, padding]);
    expect(run).toExitWith(0);
    const held = JSON.parse(run.stdout).holders.filter((entry: { pid: number; command: string }) => entry.command.includes("xxxx"));
    expect(held).toHaveLength(1);
    expect(held[0].command.length).toBe(4096);
    expect(held[0].command.endsWith("…")).toBe(true);
  });
});

describe("slips that used to pass without a word", () => {
  test("two spellings of one key in a config file are refused, naming both", async () => {
    await refusedConfig(configFile("twice.toml", "gpus_per_node = 2\ngpusPerNode = 4\n"), ": keys 'gpusPerNode' and 'gpus_per_node' both set --gpus-per-node; keep one");
  });

  test("a BERTH_* variable one letter off a real one is named, with the one meant", async () => {
    const run = await runBerth(["plan", "vllm:d1", "--gpus-per-node", "1", "--json"], { env: { BERTH_NODES: "2" } });
    expect(run).toExitWith(0);
    expect(run.stderr).toBe("berth: warning: BERTH_NODES is not a berth variable and is ignored; did you mean BERTH_NNODES?\n");
  });

  test("--leader-addr that is no address is bad input", async () => {
    const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--leader-addr", "bad host!", "--dry-run"]);
    expect(run).toExitWith(2);
    expect(run.stderr).toBe('berth: bad value "bad host!" for --leader-addr; expected an IPv4 or IPv6 address, or a hostname\n');
  });

  test("--json with another --format is refused rather than one of them ignored", async () => {
    for (const args of [["wait", "--rendezvous", "/tmp/nowhere", "--job", "j"], ["ports"]]) {
      const run = await runBerth([...args, "--json", "--format", "env"]);
      expect(run).toExitWith(2);
      expect(run.stderr).toBe("berth: --json and --format env ask for two formats; pass one\n");
    }
  });

  test("an empty CUDA_VISIBLE_DEVICES is said: probe warns, run refuses naming it (exit 3)", async () => {
    const { fakeNvmlLibrary } = await import("../support/fake-nvml.ts");
    const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_VISIBLE_DEVICES: "" };
    const probe = await runBerth(["probe"], { env });
    expect(probe).toExitWith(0);
    expect(probe.stderr).toContain("berth: warning: CUDA_VISIBLE_DEVICES is set but empty: no GPU is visible, as CUDA would see none\n");
    const run = await runBerth(["run", "vllm:d1", "--dry-run"], { env });
    expect(run).toExitWith(3);
    expect(run.stderr).toMatch(/^berth: CUDA_VISIBLE_DEVICES is set but empty, so no GPU is visible \(as CUDA would see none\): unset it, or name the GPUs; /m);
  });
});

describe("one line, readable", () => {
  test("the same issue at 300 places is said once, with how many more; a long spec is shortened", async () => {
    const spec = Array.from({ length: 300 }, () => "vllm:d1").join("+");
    const run = await runBerth(["plan", spec, "--gpus-per-node", "8"]);
    expect(run).toExitWith(2);
    expect(run.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toMatch(/^berth: bad spec "(vllm:d1\+){12}vll…": column 0: with 3 or more components each needs a \[name\], e\.g\. vllm\[rollout\]:… \(and 299 more like it\)\n$/);
    expect(run.stderr.length).toBeLessThan(300);
  });

  test("a refusal is the only line: the demo says nothing before it", async () => {
    const run = await runBerth(["demo", "--port-pool", freePortWindow(2).pool]);
    expect(run).toExitWith(2);
    expect(run.stderr.split("\n").filter(Boolean)).toEqual([expect.stringMatching(/^berth: "vllm\[demo\]:d4t1" does not fit/)]);
  });
});
