// Runs the compiled binary (dist/berth, or BERTH_TEST_BINARY); builds it first when it is missing.
import { beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/berth-process.ts";

const binary = resolve(REPO_ROOT, process.env.BERTH_TEST_BINARY ?? "dist/berth");

async function run(args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}) {
  const child = Bun.spawn([binary, ...args], { cwd, env: { PATH: process.env.PATH ?? "/usr/bin", NO_COLOR: "1", ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  if (existsSync(binary)) return;
  const build = Bun.spawn([process.execPath, "run", "build.ts", "--host-only"], { cwd: REPO_ROOT, stdout: "inherit", stderr: "inherit" });
  expect(await build.exited).toBe(0);
}, 120_000);

test("--version carries the baked-in version and commit", async () => {
  const result = await run(["--version"]);
  expect(result).toExitWith(0);
  expect(result.stdout).toMatch(/^berth \d+\.\d+\.\d+ \((?!source)[0-9a-f]{7,}(-dirty)?\)\n$/);
});

test("plans the #652 case", async () => {
  const result = await run(["plan", "vllm:d12p1t1+d4p1t1", "--nodes", "2", "--gpus-per-node", "8", "--json"]);
  expect(result).toExitWith(0);
  const plan = JSON.parse(result.stdout);
  expect(plan.servers[11]).toMatchObject({ node: 1, localIndex: 3, gpus: [3] });
  expect(plan.servers.every((server: { ports: { last: number } }) => server.ports.last <= 65535)).toBe(true);
});

test("a refusal exits 2 with one line", async () => {
  const result = await run(["plan", "vllm:d4x1", "--gpus-per-node", "8"]);
  expect(result).toExitWith(2);
  expect(result.stderr).toBe("berth: bad spec \"vllm:d4x1\": column 7: unknown dimension 'x'; expected d, t or p\n");
});

test(".env and bunfig.toml in the working directory cannot change berth", async () => {
  const directory = mkdtempSync(join(tmpdir(), "berth-autoload-"));
  writeFileSync(join(directory, ".env"), "BERTH_NNODES=5\nBERTH_JSON=1\n");
  writeFileSync(join(directory, "planted.ts"), 'console.log("PLANTED PRELOAD RAN");\n');
  writeFileSync(join(directory, "bunfig.toml"), 'preload = ["./planted.ts"]\n');
  const result = await run(["plan", "vllm:d2", "--gpus-per-node", "8"], directory);
  expect(result).toExitWith(0);
  expect(result.stdout).not.toContain("PLANTED");
  expect(result.stdout).toContain("vllm:d2: 1 node × 8 GPUs");
});
