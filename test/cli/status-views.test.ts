// `berth status` tells the truth across pid namespaces and registries: a holder is judged alive by its lock
// (a /proc in another pid namespace hides its locks), the process that really keeps a lock is named, and
// berths of other registries show through their kernel guards.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, berthEnvironment, runBerth } from "../support/berth-process.ts";
import { killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

const canUnshare = process.getuid?.() === 0 && Bun.which("unshare") !== null;

function registry(): string {
  const directory = mkdtempSync(join(tmpdir(), "berth-status-"));
  chmodSync(directory, 0o700);
  return directory;
}

async function status(directory: string, prefix: string[] = []) {
  const run = Bun.spawnSync([...prefix, ...berthArgv(), "status", "--json"], { env: berthEnvironment({ BERTH_REGISTRY_DIR: directory }), stdout: "pipe", stderr: "pipe" });
  return JSON.parse(run.stdout.toString());
}

describe("status across pid namespaces", () => {
  test.skipIf(!canUnshare)("a holder in its own pid namespace is seen from the host, and the host's holder from inside one", async () => {
    const directory = registry();
    const inside = freePortWindow(2);
    const outside = freePortWindow(2);
    const namespaced = startBerth(["ports", "-n", "2", "--port-pool", inside.pool, "--", "sleep", "30"], { env: { BERTH_REGISTRY_DIR: directory }, prefix: ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"] });
    const hosted = startBerth(["ports", "-n", "2", "--port-pool", outside.pool, "--", "sleep", "30"], { env: { BERTH_REGISTRY_DIR: directory } });
    await waitFor(() => existsSync(join(directory, `port-${inside.first}`)) && existsSync(join(directory, `port-${outside.first}`)), "both holders' locks");
    const fromHost = await status(directory);
    expect(fromHost.holders.map((holder: { ports: { first: number }[] }) => holder.ports[0]!.first).sort()).toEqual([inside.first, outside.first].sort());
    expect(fromHost.holders.find((holder: { ports: { first: number }[] }) => holder.ports[0]!.first === inside.first)).toMatchObject({ pid: 1 });
    const fromInside = await status(directory, ["unshare", "--pid", "--fork", "--mount-proc"]);
    expect(fromInside.holders.map((holder: { ports: { first: number }[] }) => holder.ports[0]!.first).sort()).toEqual([inside.first, outside.first].sort());
    for (const berth of [namespaced, hosted]) berth.kill("SIGKILL");
  });
});

describe("status names who really holds what", () => {
  test("a daemon that an exec'd command left behind keeps its locks: status names it, not the exited pid", async () => {
    const directory = registry();
    const pool = freePortWindow(2);
    const run = await runBerth(["ports", "-n", "1", "--port-pool", pool.pool, "--", "sh", "-c", "(exec sleep 20 </dev/null >/dev/null 2>&1 &); exit 0"], { env: { BERTH_REGISTRY_DIR: directory } });
    expect(run).toExitWith(0);
    const [holder] = (await status(directory)).holders;
    expect(holder.keptBy.command).toBe("sleep 20");
    process.kill(holder.keptBy.pid, "SIGKILL");
  });

  test("a berth with another registry shows through its kernel guard", async () => {
    const mine = registry();
    const theirs = registry();
    const pool = freePortWindow(2);
    const other = startBerth(["ports", "-n", "1", "--port-pool", pool.pool, "--", "sleep", "30"], { env: { BERTH_REGISTRY_DIR: theirs } });
    await waitFor(() => existsSync(join(theirs, `port-${pool.last}`)), "the other registry's lock");
    const seen = await status(mine);
    expect(seen.holders).toEqual([]);
    // Other tests' berths on this host show too: only the one started here is looked for.
    const ours = seen.outsideRegistry.filter((holder: { pid: number }) => holder.pid === other.pid);
    expect(ours).toEqual([expect.objectContaining({ pid: other.pid, command: "sleep 30", ports: [{ first: pool.last, last: pool.last }] })]);
    other.kill("SIGKILL");
  });
});
