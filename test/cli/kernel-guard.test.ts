// The guard no registry can miss: berths with different registries (two containers on the host network, a
// registry deleted under a live holder) never hand out one port twice, and a registry that cannot be written
// holds nothing. Real processes, real sockets.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, berthEnvironment, runBerth } from "../support/berth-process.ts";
import { killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

/** `berth ports -n N -- CMD` whose command writes its ports, then waits until `release` exists (both hold at once). */
function holdPorts(registry: string, pool: string, count: number, out: string, release: string) {
  const command = `echo $BERTH_PORTS > ${out}; i=0; while [ ! -e ${release} ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done`;
  return Bun.spawn([...berthArgv(), "ports", "-n", String(count), "--port-pool", pool, "--", "sh", "-c", command], { env: berthEnvironment({ BERTH_REGISTRY_DIR: registry }), stdout: "ignore", stderr: "pipe" });
}

describe("the kernel guard", () => {
  test("100 rounds of two `ports -n 8 -- CMD` at once, each with its own registry, from one pool of 32: never a common port", async () => {
    const pool = freePortWindow(32).pool;
    const work = mkdtempSync(join(tmpdir(), "berth-guard-"));
    for (let round = 0; round < 100; round++) {
      const release = join(work, `release-${round}`);
      const outs = [0, 1].map((side) => join(work, `ports-${round}-${side}`));
      const children = [0, 1].map((side) => holdPorts(mkdtempSync(join(tmpdir(), `berth-guard-reg${side}-`)), pool, 8, outs[side]!, release));
      await waitFor(() => outs.every((out) => existsSync(out) && readFileSync(out, "utf8").includes("\n")), `round ${round}: both commands to report their ports`);
      const [a, b] = outs.map((out) => readFileSync(out, "utf8").trim().split(","));
      Bun.write(release, "");
      const codes = await Promise.all(children.map((child) => child.exited));
      expect({ round, shared: a!.filter((port) => b!.includes(port)), codes }).toEqual({ round, shared: [], codes: [0, 0] });
    }
  }, 120_000);

  test("a registry deleted under a live holder: a second berth still cannot take its ports, and says who holds them", async () => {
    const registry = mkdtempSync(join(tmpdir(), "berth-guard-reg-"));
    const pool = freePortWindow(4);
    const holder = startBerth(["ports", "-n", "4", "--port-pool", pool.pool, "--", "sleep", "30"], { env: { BERTH_REGISTRY_DIR: registry } });
    await waitFor(() => existsSync(join(registry, `port-${pool.first}`)), "the holder's locks");
    rmSync(registry, { recursive: true, force: true });
    const second = await runBerth(["ports", "-n", "1", "--port-pool", pool.pool, "--", "true"], { env: { BERTH_REGISTRY_DIR: registry } });
    expect(second).toExitWith(3);
    expect(second.stderr).toContain("only 0 of 1 ports");
    expect(second.stderr).toMatch(new RegExp(`e\\.g\\. port \\d+ is held by pid \\d+ outside this registry \\(its kernel guard @berth/port/\\d+\\)`));
    holder.kill("SIGTERM");
    await holder.exited;
  });

  test.skipIf(process.getuid?.() !== 0 || Bun.which("unshare") === null)("a full filesystem under the registry: nothing is held that cannot be recorded (exit 3, naming the path and errno)", async () => {
    const registry = mkdtempSync(join(tmpdir(), "berth-guard-full-"));
    const pool = freePortWindow(4).pool;
    // A private mount namespace: a one-page tmpfs, filled, under the registry; then berth ports, then berth status.
    const script = [
      `mount -t tmpfs -o size=4k tmpfs ${registry}`,
      `chmod 700 ${registry}`,
      `dd if=/dev/zero of=${registry}/fill bs=4096 count=4 2>/dev/null; true`,
      `BERTH_REGISTRY_DIR=${registry} ${berthArgv().join(" ")} ports -n 2 --port-pool ${pool} -- ${berthArgv().join(" ")} status --json; echo "exit $?"`,
    ].join("\n");
    const run = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "bash", "-c", script], { env: berthEnvironment(), stdout: "pipe", stderr: "pipe" });
    const out = run.stdout.toString() + run.stderr.toString();
    expect(out).toMatch(/berth: cannot write the lock record \S+\/port-\d+: (ENOSPC|short write)/);
    expect(out).toContain("exit 3");
    expect(out).not.toContain('"holders"'); // the command never ran holding half-recorded ports
  });
});
