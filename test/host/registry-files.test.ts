// The registry does not grow: a released lock's file goes with it, stale files are swept, and the unlink
// never lets two holders of one port overlap (the flock-and-unlink race), with real processes.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { encodeLockRecord } from "../../src/core/registry/registry-layout.ts";
import { listReservations, openRegistry, releaseLease, tryLock, type Registry } from "../../src/host/registry/registry.ts";
import { REPO_ROOT } from "../support/berth-process.ts";

async function freshRegistry(): Promise<Registry> {
  const opened = await openRegistry({ BERTH_REGISTRY_DIR: join(mkdtempSync(join(tmpdir(), "berth-reg-")), "registry") });
  if (!opened.ok) throw new Error(opened.refusal.message);
  return opened.registry;
}

describe("lock files", () => {
  test("releasing a lock removes its file", async () => {
    const registry = await freshRegistry();
    const lock = tryLock(registry, "port", 41001, "test", "bun test");
    if (!lock.ok) throw new Error("not locked");
    expect(readdirSync(registry.directory)).toEqual(["port-41001"]);
    releaseLease(lock.lease);
    expect(readdirSync(registry.directory)).toEqual([]);
  });

  test("listing sweeps the files nobody holds, and keeps the held ones", async () => {
    const registry = await freshRegistry();
    const record = encodeLockRecord({ pid: 999_999, startTicks: 1, startedAt: "2026-01-01T00:00:00Z", role: "gone", command: "killed -9" });
    for (let port = 42000; port < 42050; port++) writeFileSync(join(registry.directory, `port-${port}`), record);
    const held = tryLock(registry, "port", 42050, "test", "bun test");
    if (!held.ok) throw new Error("not locked");
    const listed = await listReservations(registry);
    expect(listed.map((entry) => entry.id)).toEqual(["42050"]);
    expect(readdirSync(registry.directory)).toEqual(["port-42050"]);
    releaseLease(held.lease);
  });

  test("8 processes taking and releasing the same 4 ports never hold one at once", async () => {
    const registry = await freshRegistry();
    const churn = resolve(REPO_ROOT, "test/fixtures/lock-churn.ts");
    const children = Array.from({ length: 8 }, () => Bun.spawn([process.execPath, churn, registry.directory, "43000", "4", "300"], { stdout: "pipe", stderr: "inherit" }));
    const outputs = await Promise.all(children.map(async (child) => (await child.exited, await new Response(child.stdout).text())));
    const holds = outputs.flatMap((text) => text.trim().split("\n").filter(Boolean)).map((line) => line.split(" ").map(BigInt) as [bigint, bigint, bigint]);
    expect(holds.length).toBeGreaterThan(300); // they really contended
    const byPort = new Map<bigint, [bigint, bigint][]>();
    for (const [port, start, end] of holds) byPort.set(port, [...(byPort.get(port) ?? []), [start, end]]);
    for (const intervals of byPort.values()) {
      intervals.sort((a, b) => (a[0] < b[0] ? -1 : 1));
      for (let index = 1; index < intervals.length; index++) expect(intervals[index]![0] >= intervals[index - 1]![1]).toBe(true);
    }
    expect(existsSync(registry.directory) && readdirSync(registry.directory).filter((name) => !name.startsWith("."))).toEqual([]);
  });
});
