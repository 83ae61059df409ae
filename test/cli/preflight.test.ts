// What can be checked before the first lock is taken is checked then: one line, exit 2 (or 3 for the host),
// nothing held and nothing started. And what a run writes (logs, the manifest) is never silently lost.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, berthEnvironment, REPO_ROOT, runBerth, TEST_REGISTRY } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const LAUNCH = ["--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--host", "127.0.0.1", "--grace", "2s"];

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "berth-preflight-"));
}

/** The refusal, plus proof that nothing was started or left held. */
async function refusedBeforeAnything(args: string[], code: number, env: Record<string, string> = {}): Promise<string> {
  const marker = join(scratch(), "started");
  const run = await runBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, ...args, "--", "touch", marker], { env });
  expect(run).toExitWith(code);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(existsSync(marker)).toBe(false);
  const status = await runBerth(["status", "--json"]);
  expect(JSON.parse(status.stdout).holders).toEqual([]);
  return run.stderr;
}

/** Runs berth in a mount namespace of its own, with a tmpfs at `mountPoint` (options as for mount -o). */
async function inMountNamespace(mountPoint: string, mountOptions: string, prepare: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const berth = [...berthArgv(), ...args].map((word) => `'${word}'`).join(" ");
  const script = `mount -t tmpfs -o ${mountOptions} berth-test ${mountPoint} && ${prepare} exec ${berth}`;
  const child = Bun.spawn(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], { cwd: REPO_ROOT, env: berthEnvironment(), stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  return { code, stderr };
}

describe("--manifest", () => {
  test("a directory is bad input", async () => {
    const directory = scratch();
    expect(await refusedBeforeAnything(["--manifest", directory], 2)).toContain(`bad value "${directory}" for --manifest: it is a directory; give a file path`);
  });

  test("a file in a directory that does not exist is bad input", async () => {
    const parent = join(scratch(), "missing");
    expect(await refusedBeforeAnything(["--manifest", join(parent, "manifest.json")], 2)).toContain(`its directory ${parent} does not exist`);
  });

  test.each([
    ["a read-only filesystem", "ro,size=64k", "", "EROFS"],
    ["a full disk", "size=8k", "dd if=/dev/zero of=MOUNT/fill bs=4k count=64 2>/dev/null;", "ENOSPC"],
  ])("%s is the host's doing (exit 3)", async (_, options, fill, errno) => {
    const mountPoint = scratch();
    const manifest = join(mountPoint, "manifest.json");
    const run = await inMountNamespace(mountPoint, options, fill.replace("MOUNT", mountPoint), ["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, "--manifest", manifest, "--", "true"]);
    expect(run).toExitWith(3);
    expect(run.stderr.trim()).toStartWith(`berth: cannot write the manifest ${manifest}: ${errno}`);
  });

  test("a manifest that cannot be written mid-run stops the run (exit 3) instead of announcing ready", async () => {
    const directory = scratch();
    const gate = join(directory, "healthy-now");
    // The manifest's directory is a symlink, swapped atomically (rename) for one to a plain file: from then on
    // every write fails with ENOTDIR, and berth cannot re-create the directory in between.
    const realDirectory = join(directory, "real");
    mkdirSync(realDirectory);
    const plainFile = join(directory, "plain-file");
    writeFileSync(plainFile, "not a directory\n");
    const manifestDirectory = join(directory, "out");
    symlinkSync(realDirectory, manifestDirectory);
    const script = `while [ ! -e ${gate} ]; do sleep 0.02; done; exec ${FAKE_SERVER.join(" ")} --port {port}`;
    const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, "--json", "--manifest", join(manifestDirectory, "manifest.json"), "--", "sh", "-c", script]);
    await berth.waitForEvent((event) => event.state === "starting", "the server to start");
    symlinkSync(plainFile, `${manifestDirectory}.new`);
    renameSync(`${manifestDirectory}.new`, manifestDirectory);
    writeFileSync(gate, "");
    expect(await berth.result()).toExitWith(3);
    expect(berth.events.some((event) => event.event === "ready")).toBe(false);
    expect(berth.events.some((event) => String(event.text).includes("ENOTDIR") && String(event.text).includes("stopping, since the manifest no longer says what runs"))).toBe(true);
  });
});

describe("--log-dir", () => {
  test("a path that is a file is bad input", async () => {
    const file = join(scratch(), "not-a-directory");
    writeFileSync(file, "");
    expect(await refusedBeforeAnything(["--log-dir", file], 2)).toContain(`cannot write the log directory ${file}: EEXIST`);
  });

  test("a read-only filesystem is the host's doing (exit 3)", async () => {
    const mountPoint = scratch();
    const run = await inMountNamespace(mountPoint, "ro,size=64k", "", ["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, "--log-dir", join(mountPoint, "logs"), "--", "true"]);
    expect(run).toExitWith(3);
    expect(run.stderr).toContain(`cannot write the log directory ${join(mountPoint, "logs")}: EROFS`);
  });

  test("logs are appended, with a marker line for every start and restart", async () => {
    const logs = scratch();
    const counter = join(logs, "runs");
    // Each start prints its number; the first start of each run fails so that it is restarted once.
    const script = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo "start $n"; if [ $((n % 2)) = 1 ]; then exit 4; fi; exec ${FAKE_SERVER.join(" ")} --port {port}`;
    for (let run = 0; run < 2; run++) {
      const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, "--json", "--restart", "on-failure", "--max-restarts", "1", "--log-dir", logs, "--", "sh", "-c", script]);
      await berth.waitForEvent((event) => event.event === "ready", "ready after the restart");
      berth.kill("SIGTERM");
      expect(await berth.result()).toExitWith(143);
    }
    const lines = readFileSync(join(logs, "server-0.log"), "utf8").split("\n").filter((line) => line.startsWith("=====") || line.startsWith("start "));
    expect(lines.map((line) => line.replace(/^===== berth \S+: server 0 (start|restart 1), pid \d+, GPUs 0, ports \d+-\d+ =====$/, "marker $1"))).toEqual([
      "marker start", "start 1", "marker restart 1", "start 2",
      "marker start", "start 3", "marker restart 1", "start 4",
    ]);
  });
});

describe("other inputs", () => {
  test.each(["health", "http://x/health", "/health,v1/models"])("--health-path %p is bad input", async (path) => {
    expect(await refusedBeforeAnything(["--health-path", path], 2)).toContain('expected paths that start with "/"');
  });

  test("a YAML list of health paths is a list", async () => {
    const config = join(scratch(), "berth.yaml");
    writeFileSync(config, "health-path:\n  - /health\n  - /v1/models\n");
    const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, ...LAUNCH, "--json", "--config", config, "--", ...FAKE_SERVER, "--port", "{port}"]);
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test("a relative BERTH_REGISTRY_DIR is bad input, for run and status alike", async () => {
    expect(await refusedBeforeAnything([], 2, { BERTH_REGISTRY_DIR: "relative/registry" })).toContain('bad value "relative/registry" for BERTH_REGISTRY_DIR; expected an absolute path');
    const status = await runBerth(["status"], { env: { BERTH_REGISTRY_DIR: "relative/registry" } });
    expect(status).toExitWith(2);
    expect(TEST_REGISTRY.startsWith("/")).toBe(true);
  });

  test("a relative --run-dir is resolved against the working directory", async () => {
    const cwd = scratch();
    const run = await runBerth(["exec", "vllm:d1", "--server", "0", "--port-pool", freePortWindow(100).pool, ...LAUNCH.slice(0, -2), "--run-dir", "caches", "--", "sh", "-c", "echo $TRITON_CACHE_DIR"], { cwd });
    expect(run).toExitWith(0);
    expect(run.stdout.trim()).toBe(join(cwd, "caches", "server-0", "triton"));
  });
});
