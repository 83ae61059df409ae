// `berth ports` and `berth status` as real processes, with real sockets and signals.
import { locksOf, type StatusLock } from "../support/status-locks.ts";
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, runBerth, TEST_REGISTRY } from "../support/berth-process.ts";
import { waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { plainBindSucceeds, squat } from "../support/port-fixtures.ts";

async function statusJson(): Promise<{ reservations: (StatusLock & { id: number })[] }> {
  const run = await runBerth(["status", "--json"]);
  expect(run).toExitWith(0);
  return { reservations: locksOf(JSON.parse(run.stdout)).filter((entry): entry is StatusLock & { id: number } => entry.kind === "port") };
}

describe("berth ports -- CMD", () => {
  test("32 concurrent launches × 8 ports all succeed with 256 distinct ports", async () => {
    const directory = mkdtempSync(join(tmpdir(), "berth-race-"));
    // Each command records its ports (written aside, then renamed, so a file seen is a file complete), then
    // waits for the go file, so all 32 hold their ports at once.
    const window = freePortWindow(1000);
    const inWindow = (port: number) => port >= window.first && port <= window.last;
    const script = `echo "$BERTH_PORTS" > "${directory}/$$.tmp" && mv "${directory}/$$.tmp" "${directory}/$$.ports"; while [ ! -e "${directory}/go" ]; do sleep 0.02; done`;
    const runs = Array.from({ length: 32 }, () => runBerth(["ports", "-n", "8", "--port-pool", window.pool, "--", "sh", "-c", script]));
    await waitFor(() => readdirSync(directory).filter((name) => name.endsWith(".ports")).length === 32, "32 commands to hold their ports");
    const ports = readdirSync(directory)
      .filter((name) => name.endsWith(".ports"))
      .flatMap((name) => readFileSync(join(directory, name), "utf8").trim().split(",").map(Number));
    expect(ports).toHaveLength(256);
    expect(new Set(ports).size).toBe(256);
    expect(ports.every(inWindow)).toBe(true);
    const held = (await statusJson()).reservations.filter((entry) => inWindow(entry.id));
    expect(held).toHaveLength(256);
    writeFileSync(join(directory, "go"), "");
    const results = await Promise.all(runs);
    for (const run of results) expect(run).toExitWith(0);
    // Each command exited, so the kernel dropped every lock.
    expect((await statusJson()).reservations.filter((entry) => inWindow(entry.id))).toEqual([]);
  });

  test("the command gets BERTH_PORTS and BERTH_PORT_i, keeps berth's pid and locks, and can bind its ports plainly", async () => {
    const run = await runBerth([
      "ports", "-n", "2", "--port-pool", freePortWindow(100).pool, "--",
      process.execPath, "-e",
      `const { bind, tcpSocket } = await import("${join(import.meta.dir, "../../src/ffi/libc.ts")}");
       const { anyIpv4 } = await import("${join(import.meta.dir, "../../src/ffi/sockaddr.ts")}");
       const socket = tcpSocket(2); const bound = socket.ok && bind(socket.value, anyIpv4(Number(process.env.BERTH_PORT_0)));
       const status = Bun.spawnSync([...${JSON.stringify(berthArgv())}, "status", "--json"], { env: process.env }).stdout.toString();
       console.log(JSON.stringify({ pid: process.pid, ports: process.env.BERTH_PORTS, port1: process.env.BERTH_PORT_1, plainBind: bound && bound.ok, status: JSON.parse(status) }));`,
    ]);
    expect(run).toExitWith(0);
    const seen = JSON.parse(run.stdout);
    const [first, second] = seen.ports.split(",").map(Number);
    expect(String(second)).toBe(seen.port1);
    expect(seen.plainBind).toBe(true); // the hold sockets were closed before exec
    const mine = locksOf(seen.status).filter((entry) => entry.id === first || entry.id === second);
    expect(mine.map((entry: { pid: number }) => entry.pid)).toEqual([seen.pid, seen.pid]); // same pid: berth became the command
  });

  test.each([
    [["sh", "-c", "exit 7"], 7],
    [["sh", "-c", "exit 0"], 0],
    [["sh", "-c", "kill -TERM $$"], 143],
    [["/nonexistent/program"], 127],
    [["no-such-command-berth"], 127],
    [["/etc/hostname"], 126],
  ])("%p exits %d", async (command, expected) => {
    const run = await runBerth(["ports", "-n", "1", "--port-pool", freePortWindow(100).pool, "--", ...command]);
    expect(run).toExitWith(expected);
    if (expected >= 126 && expected <= 127) expect(run.stderr).toMatch(/^berth: .*(command not found|cannot execute)/);
  });
});

describe("berth ports --ttl (a detached holder)", () => {
  test("held ports are busy to a plain bind and listed by status; SIGKILL of the holder frees them at once", async () => {
    const run = await runBerth(["ports", "-n", "2", "--ttl", "2m", "--format", "json", "--port-pool", freePortWindow(100).pool]);
    expect(run).toExitWith(0);
    const { ports, holder, expiresAt } = JSON.parse(run.stdout);
    expect(ports).toHaveLength(2);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(100_000);
    for (const port of ports) expect(await plainBindSucceeds(port)).toBe(false);
    const listed = (await statusJson()).reservations.filter((entry) => ports.includes(entry.id));
    expect(listed.map((entry) => [entry.kind, entry.pid, entry.role])).toEqual([["port", holder, "ports"], ["port", holder, "ports"]]);
    expect(listed[0]!.command).toContain("berth ports -n 2 --ttl 2m");

    process.kill(holder, "SIGKILL");
    await waitFor(async () => !existsSync(`/proc/${holder}`) || readFileSync(`/proc/${holder}/stat`, "utf8").includes(") Z "), "the holder to die");
    for (const port of ports) expect(await plainBindSucceeds(port)).toBe(true);
    expect((await statusJson()).reservations.filter((entry) => ports.includes(entry.id))).toEqual([]);
  });

  test("the holder lets go when the TTL ends", async () => {
    const window = freePortWindow(100);
    const run = await runBerth(["ports", "-n", "1", "--ttl", "1s", "--format", "json", "--port-pool", window.pool]);
    expect(run).toExitWith(0);
    const { ports, holder } = JSON.parse(run.stdout);
    const [port] = ports;
    expect(port).toBeGreaterThanOrEqual(window.first);
    expect(port).toBeLessThanOrEqual(window.last);
    // Held until the TTL ends (a holder that let go at once, or never held, fails here) …
    expect(await plainBindSucceeds(port)).toBe(false);
    expect((await statusJson()).reservations.map((entry) => entry.id)).toContain(port);
    // … then free, with the holder gone and nothing listed.
    await waitFor(() => plainBindSucceeds(port), "the TTL to end", 15_000);
    await waitFor(() => !existsSync(`/proc/${holder}`) || readFileSync(`/proc/${holder}/stat`, "utf8").includes(") Z "), "the holder to exit");
    expect((await statusJson()).reservations.map((entry) => entry.id)).not.toContain(port);
  });

  test("a TTL past setTimeout's ~24.8-day limit holds (--ttl 600h once released at once)", async () => {
    const run = await runBerth(["ports", "-n", "1", "--ttl", "600h", "--format", "json", "--port-pool", freePortWindow(100).pool]);
    expect(run).toExitWith(0);
    const { ports, holder, expiresAt } = JSON.parse(run.stdout);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(599 * 3_600_000);
    // The overflowed timer fired within a millisecond of the report; by now the holder would be gone.
    await runBerth(["status", "--json"]);
    expect(await plainBindSucceeds(ports[0])).toBe(false);
    expect(existsSync(`/proc/${holder}`) && !readFileSync(`/proc/${holder}/stat`, "utf8").includes(") Z ")).toBe(true);
    process.kill(holder, "SIGTERM");
  });

  test("status groups by holder: one entry per --ttl holder, its ports as ranges, and when it lets go", async () => {
    const run = await runBerth(["ports", "-n", "3", "--block", "4", "--ttl", "30s", "--format", "json", "--port-pool", freePortWindow(100).pool]);
    expect(run).toExitWith(0);
    const { holder, expiresAt, blocks } = JSON.parse(run.stdout);
    const status = await runBerth(["status", "--json"]);
    const mine = JSON.parse(status.stdout).holders.filter((entry: { pid: number }) => entry.pid === holder);
    expect(mine).toEqual([expect.objectContaining({ pid: holder, expiresAt, portCount: 12, gpus: [] })]);
    expect(blocks).toHaveLength(3);
    expect(mine[0].ports.reduce((sum: number, range: { first: number; last: number }) => sum + range.last - range.first + 1, 0)).toBe(12);
    const text = await runBerth(["status"]);
    expect(text.stdout).toContain(`pid ${holder}  ports  since`);
    expect(text.stdout).toContain(`until ${expiresAt}`);
    process.kill(holder, "SIGTERM");
  });

  test("--format env can be eval'd by a shell", async () => {
    const run = await runBerth(["ports", "-n", "3", "--ttl", "5s", "--format", "env", "--port-pool", freePortWindow(100).pool]);
    const shell = Bun.spawnSync(["sh", "-c", `${run.stdout}\necho "$BERTH_PORTS|$BERTH_PORT_2|$BERTH_PORTS_HOLDER"`]);
    const [list, third, holder] = shell.stdout.toString().trim().split("|");
    expect(list!.split(",")).toHaveLength(3);
    expect(list!.split(",")[2]).toBe(third);
    process.kill(Number(holder), "SIGTERM");
  });

  test("plain format prints the ports on one line", async () => {
    const run = await runBerth(["ports", "-n", "2", "--ttl", "1s", "--port-pool", freePortWindow(100).pool]);
    expect(run.stdout).toMatch(/^\d+ \d+\n$/);
  });
});

describe("berth ports --block", () => {
  test("N blocks of W contiguous ports, skipping a busy port, exported as BERTH_BLOCK_i", async () => {
    const window = freePortWindow(100);
    const busy = window.last - 4;
    const squatter = await squat("plain", busy); // inside the top block's window: that block moves below it
    try {
      const run = await runBerth(["ports", "-n", "2", "--block", "10", "--port-pool", window.pool, "--", "sh", "-c", 'echo "$BERTH_BLOCKS|$BERTH_BLOCK_0|$BERTH_PORTS"']);
      expect(run).toExitWith(0);
      const [blocks, first, ports] = run.stdout.trim().split("|");
      // Scanning down from the top: the top ten hold the busy port, so the blocks are the next two below it.
      expect(blocks).toBe(`${busy - 20}-${busy - 11},${busy - 10}-${busy - 1}`);
      const ranges = blocks!.split(",").map((range) => range.split("-").map(Number) as [number, number]);
      expect(ranges).toHaveLength(2);
      for (const [low, high] of ranges) {
        expect(high - low).toBe(9);
        expect(busy >= low && busy <= high).toBe(false);
      }
      expect(first).toBe(blocks!.split(",")[0]);
      expect(ports!.split(",")).toHaveLength(20);
    } finally {
      await squatter.stop();
    }
  });

  test("a pool too small for the blocks is bad input naming both numbers", async () => {
    const run = await runBerth(["ports", "-n", "10", "--block", "18", "--port-pool", freePortWindow(100).pool]);
    expect(run).toExitWith(2);
    expect(run.stderr).toContain("holds 100 usable ports (less ip_local_reserved_ports), fewer than -n 10 blocks of 18 (180 ports)");
  });
});

describe("bad input exits 2 with one line", () => {
  test("a --port-pool smaller than -n is bad input naming both", async () => {
    const window = freePortWindow(4);
    const run = await runBerth(["ports", "-n", "8", "--port-pool", window.pool]);
    expect(run).toExitWith(2);
    expect(run.stderr).toContain(`the pool ${window.pool} holds 4 usable ports (less ip_local_reserved_ports), fewer than -n 8`);
  });

  test.each([
    [["ports", "-n", "0"], 'bad value "0" for -n'],
    [["ports", "-n", "two"], 'bad value "two" for -n'],
    [["ports", "--port-pool", "0-100"], 'bad value "0-100" for --port-pool; expected LO-HI with 1 ≤ LO ≤ HI ≤ 65535'],
    [["ports", "--port-pool", "30000-20000"], 'bad value "30000-20000" for --port-pool'],
    [["ports", "--port-pool", "60000-70000"], 'bad value "60000-70000" for --port-pool'],
    [["ports", "--ttl", "soon"], 'bad value "soon" for --ttl; expected a duration such as 500ms, 3s, 2m or 1h'],
    [["ports", "--format", "xml"], 'bad value "xml" for --format; expected one of plain, json, env'],
    [["status", "extra"], 'unexpected argument "extra"'],
  ])("%p", async (args, expected) => {
    const run = await runBerth(args);
    expect(run).toExitWith(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(expected);
  });
});
