// What people type: berth help [COMMAND], --help wrapped to the width with EXAMPLES and ENVIRONMENT,
// berth version (--json) and JSON that says its schemaVersion.
import { describe, expect, test } from "bun:test";
import { runBerth } from "../support/berth-process.ts";

const PUBLIC_COMMANDS = ["demo", "probe", "plan", "run", "exec", "ports", "status", "wait", "version", "completion"];
const widest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

describe("help", () => {
  test("every command's --help fits 80 columns off a terminal and has USAGE, OPTIONS, EXAMPLES and ENVIRONMENT", async () => {
    for (const command of PUBLIC_COMMANDS) {
      const run = await runBerth([command, "--help"]);
      expect(run).toExitWith(0);
      expect({ command, widest: widest(run.stdout) }).toEqual({ command, widest: expect.any(Number) });
      expect(widest(run.stdout)).toBeLessThanOrEqual(80);
      for (const heading of ["USAGE", "OPTIONS", "EXAMPLES", "ENVIRONMENT"]) expect({ command, has: run.stdout.includes(`\n${heading}\n`) }).toEqual({ command, has: true });
      expect(run.stdout).toContain("BERTH_REGISTRY_DIR");
    }
  });

  test("COLUMNS sets the width, and the text reflows rather than being cut", async () => {
    const narrow = await runBerth(["run", "--help"], { env: { COLUMNS: "60" } });
    const wide = await runBerth(["run", "--help"], { env: { COLUMNS: "160" } });
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(60);
    expect(widest(wide.stdout)).toBeGreaterThan(80);
    const words = (text: string) => text.replace(/ \\\n/g, "").replace(/\s+/g, "");
    expect(words(narrow.stdout)).toBe(words(wide.stdout));
  });

  test("berth help COMMAND is COMMAND --help, and berth help is berth --help", async () => {
    expect((await runBerth(["help", "plan"])).stdout).toBe((await runBerth(["plan", "--help"])).stdout);
    const root = await runBerth(["help"]);
    expect(root).toExitWith(0);
    expect(root.stdout).toBe((await runBerth(["--help"])).stdout);
    for (const command of PUBLIC_COMMANDS) expect(root.stdout).toContain(`\n  ${command} `);
  });

  test("help for an unknown command is one line naming it and what exists, exit 2", async () => {
    const run = await runBerth(["help", "launch"]);
    expect(run).toExitWith(2);
    expect(run.stderr).toBe(`berth: unknown command "launch"; expected one of demo, probe, plan, run, exec, ports, status, wait, version, completion, help (see berth --help)\n`);
    expect(await runBerth(["help", "run", "plan"])).toExitWith(2);
  });

  test("the scheduler variables a command reads are listed under ENVIRONMENT", async () => {
    const run = await runBerth(["help", "run"]);
    for (const variable of ["SLURM_NODEID", "LWS_WORKER_INDEX", "JOB_COMPLETION_INDEX", "CUDA_VISIBLE_DEVICES", "BERTH_NVML_LIBRARY", "BERTH_DEBUG"]) expect(run.stdout).toContain(variable);
    expect((await runBerth(["help", "exec"])).stdout).toContain("LOCAL_RANK");
  });
});

describe("version", () => {
  test("berth version says version, commit, build date and target; --json says the same with its schemaVersion", async () => {
    const plain = await runBerth(["version"]);
    expect(plain).toExitWith(0);
    expect(plain.stdout).toMatch(/^berth \d+\.\d+\.\d+ \(commit \S+, built \S+( source)?, \S+, bun \d+\.\d+\.\d+\)\n$/);
    const json = await runBerth(["version", "--json"]);
    expect(json).toExitWith(0);
    const facts = JSON.parse(json.stdout);
    expect(facts).toMatchObject({ schemaVersion: 1, version: expect.stringMatching(/^\d+\.\d+\.\d+$/), commit: expect.any(String), bun: Bun.version });
    expect(Object.keys(facts)).toEqual(["schemaVersion", "version", "commit", "buildDate", "target", "libc", "bun"]);
    if (process.env.BERTH_TEST_BINARY) {
      expect(facts.buildDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(facts.target).toMatch(/^bun-linux-(x64|arm64)(-musl)?$/);
      expect(facts.libc).toBe(facts.target.endsWith("-musl") ? "musl" : "glibc");
    } else {
      expect(facts).toMatchObject({ buildDate: null, target: "source", libc: null });
    }
  });
});

test("the placeholders are one list: --help, a refusal and the README all name every one", async () => {
  const { PLACEHOLDER_LIST } = await import("../../src/core/launch/placeholders.ts");
  const help = (await runBerth(["run", "--help"], { env: { COLUMNS: "400" } })).stdout;
  expect(help).toContain(PLACEHOLDER_LIST);
  const refused = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--dry-run", "--", "serve", "{prot}"]);
  expect(refused.stderr).toContain(`berth fills ${PLACEHOLDER_LIST}`);
  const readme = require("node:fs").readFileSync(`${import.meta.dir}/../../README.md`, "utf8") as string;
  expect(readme).toContain(`with placeholders ${PLACEHOLDER_LIST}:`);
});
