// Reservations with real sockets, real locks and real processes.
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { geteuid } from "../../src/ffi/libc.ts";
import { listReservations, openRegistry, type Registry } from "../../src/host/registry/registry.ts";
import { releasePorts, releaseReservation, reserveBlock, reserveFreePorts, reserveGpus, reservePort, type HeldPort } from "../../src/host/registry/reservations.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { plainBindSucceeds, squat, type PortSquatter } from "../support/port-fixtures.ts";

const HOLDER = { role: "test", command: "bun test" };

async function freshRegistry(): Promise<Registry> {
  const opened = await openRegistry({ BERTH_REGISTRY_DIR: join(mkdtempSync(join(tmpdir(), "berth-reg-")), "registry") });
  if (!opened.ok) throw new Error(opened.refusal.message);
  return opened.registry;
}

// One stretch of 800 ports for this file, found free at run time; each test uses its own hundred of it.
const BASE = freePortWindow(800).first;
const squatters: PortSquatter[] = [];
const heldInTest: HeldPort[][] = [];
afterEach(async () => {
  heldInTest.splice(0).forEach(releasePorts);
  await Promise.all(squatters.splice(0).map((squatter) => squatter.stop()));
});

describe("in-process races", () => {
  test("many reservers over many rounds never share a port", async () => {
    const registry = await freshRegistry();
    const pool = { first: BASE, last: BASE + 199 };
    for (let round = 0; round < 25; round++) {
      const sets = Array.from({ length: 10 }, () => {
        const result = reserveFreePorts(registry, 8, pool, [], HOLDER);
        if (!result.ok) throw new Error(`round ${round}: found only ${result.found}`);
        return result.ports;
      });
      const ports = sets.flat().map((held) => held.port);
      expect(new Set(ports).size).toBe(80);
      sets.forEach(releasePorts);
    }
  });

  test("a second reserver of the same port is told who holds it", async () => {
    const registry = await freshRegistry();
    const first = reservePort(registry, BASE + 300, { role: "first", command: "one" });
    expect(first.ok).toBe(true);
    const second = reservePort(registry, BASE + 300, HOLDER);
    expect(second).toEqual({ ok: false, port: BASE + 300, why: `held by pid ${process.pid} (first)` });
    if (first.ok) heldInTest.push([first.held]);
  });

  test("a lock file left longer by an earlier holder is cut to the new record, which reads back whole", async () => {
    const registry = await freshRegistry();
    const path = join(registry.directory, `port-${BASE + 310}`);
    writeFileSync(path, `${JSON.stringify({ pid: 1, startTicks: 0, startedAt: "then", role: "old", command: "x".repeat(3000) })}\n`, { mode: 0o600 });
    const held = reservePort(registry, BASE + 310, { role: "new", command: "short" });
    expect(held.ok).toBe(true);
    if (held.ok) heldInTest.push([held.held]);
    const text = readFileSync(path, "utf8");
    expect(text.length).toBe(256);
    expect(JSON.parse(text)).toMatchObject({ pid: process.pid, role: "new", command: "short" });
    const second = reservePort(registry, BASE + 310, HOLDER);
    expect(second).toEqual({ ok: false, port: BASE + 310, why: `held by pid ${process.pid} (new)` });
  });
});

describe("the free check", () => {
  test.each(["plain", "reuse", "listen"] as const)("a port another process bound (%s) is never handed out", async (mode) => {
    const port = BASE + 400 + ["plain", "reuse", "listen"].indexOf(mode);
    squatters.push(await squat(mode, port));
    const registry = await freshRegistry();
    const attempt = reservePort(registry, port, HOLDER);
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.why).toContain("EADDRINUSE");
    const around = reserveFreePorts(registry, 3, { first: port - 1, last: port + 1 }, [], HOLDER);
    expect(around.ok).toBe(false);
  });

  test("a held port is busy to a plain bind, yet a server's SO_REUSEADDR listen still gets it", async () => {
    const registry = await freshRegistry();
    const attempt = reservePort(registry, BASE + 410, HOLDER);
    if (!attempt.ok) throw new Error(attempt.why);
    heldInTest.push([attempt.held]);
    expect(attempt.held.checked).toMatch(/^ipv4/);
    expect(await plainBindSucceeds(BASE + 410)).toBe(false);
    const server = await squat("listen", BASE + 410); // uvicorn-style: SO_REUSEADDR bind + listen
    squatters.push(server);
  });

  test("ports in ip_local_reserved_ports are skipped", async () => {
    const registry = await freshRegistry();
    const result = reserveFreePorts(registry, 4, { first: BASE + 500, last: BASE + 509 }, [{ first: BASE + 506, last: BASE + 509 }], HOLDER);
    if (!result.ok) throw new Error("expected ports");
    heldInTest.push(result.ports);
    expect(result.ports.map((held) => held.port)).toEqual([BASE + 502, BASE + 503, BASE + 504, BASE + 505]);
  });

  test("a block is all or nothing", async () => {
    const registry = await freshRegistry();
    squatters.push(await squat("plain", BASE + 605));
    const block = reserveBlock(registry, { first: BASE + 600, last: BASE + 617 }, HOLDER, { allowTimeWait: true });
    expect(block).toMatchObject({ ok: false, port: BASE + 605 });
    // Nothing of the failed block stays held.
    const again = reserveBlock(registry, { first: BASE + 600, last: BASE + 604 }, HOLDER, { allowTimeWait: true });
    expect(again.ok).toBe(true);
    if (again.ok) heldInTest.push(again.ports);
  });
});

describe("GPUs", () => {
  test("a held GPU is refused naming its holder, and release frees it", async () => {
    const registry = await freshRegistry();
    const uuid = "GPU-5eed0000-1000-2000-3000-000000abc000";
    const first = reserveGpus(registry, [uuid], { role: "run vllm:d1", command: "berth run" });
    if (!first.ok) throw new Error(first.why);
    const second = reserveGpus(registry, ["GPU-11111111-0000-0000-0000-000000000000", uuid], HOLDER);
    expect(second).toMatchObject({ ok: false, uuid });
    if (!second.ok) expect(second.why).toContain(`held by pid ${process.pid} (run vllm:d1`);
    expect((await listReservations(registry)).map((entry) => entry.id)).toEqual([uuid]);
    releaseReservation({ ports: [], gpus: first.gpus });
    expect(reserveGpus(registry, [uuid], HOLDER).ok).toBe(true);
  });

  test("a GPU id that is not a UUID never becomes a file name", async () => {
    expect(reserveGpus(await freshRegistry(), ["../../etc/passwd"], HOLDER)).toMatchObject({ ok: false, why: 'refusing GPU id "../../etc/passwd" as a file name' });
  });
});

describe("the registry directory", () => {
  test("is created 0700", async () => {
    const registry = await freshRegistry();
    const { mode } = require("node:fs").statSync(registry.directory);
    expect(mode & 0o777).toBe(0o700);
  });

  test("a symlinked directory is refused", async () => {
    const base = mkdtempSync(join(tmpdir(), "berth-reg-"));
    mkdirSync(join(base, "real"), { mode: 0o700 });
    symlinkSync(join(base, "real"), join(base, "link"));
    const opened = await openRegistry({ BERTH_REGISTRY_DIR: join(base, "link") });
    expect(opened).toEqual({ ok: false, refusal: { kind: "environment", message: `registry directory ${join(base, "link")} is a symlink; refusing it (remove it, or set BERTH_REGISTRY_DIR)` } });
  });

  test("a directory writable by others is refused", async () => {
    const base = mkdtempSync(join(tmpdir(), "berth-reg-"));
    chmodSync(base, 0o777);
    const opened = await openRegistry({ BERTH_REGISTRY_DIR: base });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.refusal.message).toContain("is writable by others (mode 777)");
  });

  test("a directory owned by someone else is refused", async () => {
    let foreign = "/usr";
    if (geteuid() === 0) {
      foreign = mkdtempSync(join(tmpdir(), "berth-reg-"));
      chmodSync(foreign, 0o700);
      chownSync(foreign, 65534, 65534);
    }
    const opened = await openRegistry({ BERTH_REGISTRY_DIR: foreign });
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.refusal.message).toContain(`registry directory ${foreign} is owned by uid`);
  });

  test("a lock file replaced by a symlink is not followed", async () => {
    const registry = await freshRegistry();
    const target = join(mkdtempSync(join(tmpdir(), "berth-target-")), "victim");
    writeFileSync(target, "untouched\n");
    symlinkSync(target, join(registry.directory, `port-${BASE + 700}`));
    const attempt = reservePort(registry, BASE + 700, HOLDER);
    expect(attempt).toMatchObject({ ok: false, unsafe: true });
    if (!attempt.ok) expect(attempt.why).toContain("is a symlink; not following it");
    expect(readFileSync(target, "utf8")).toBe("untouched\n");
    expect(existsSync(target)).toBe(true);
  });
});
