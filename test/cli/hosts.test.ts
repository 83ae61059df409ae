// What servers bind (--host) and what is advertised (--advertise-host) are separate, and neither takes a
// value that is not an address or a hostname. The default advertised address is the default route's.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthArgv, berthEnvironment, REPO_ROOT, runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, startBerth } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

const SLOT = ["--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--json"];

function execEvent(stdout: string): { url: string; argv: string[] } {
  return JSON.parse(stdout.split("\n").find((line) => line.includes('"event":"exec"'))!);
}

describe("--host and --advertise-host", () => {
  test("--host 0.0.0.0 binds every interface; --advertise-host is what the URLs, manifest and addresses show", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "berth-hosts-")), "manifest.json");
    const berth = startBerth(["run", "vllm:d1", "--port-pool", freePortWindow(100).pool, "--host", "0.0.0.0", "--advertise-host", "127.0.0.1", "--manifest", manifest, ...SLOT, "--", ...FAKE_SERVER, "--port", "{port}", "--bind", "{host}"]);
    const ready = await berth.waitForEvent((event) => event.event === "ready", "ready");
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.host).toBe("127.0.0.1");
    expect(ready.urls).toEqual([`http://127.0.0.1:${written.servers[0].ports.http}`]);
    expect(ready.addresses).toEqual([`127.0.0.1:${written.servers[0].ports.http}`]);
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test("a wildcard --host alone is never advertised", async () => {
    const run = await runBerth(["exec", "vllm:d1", "--server", "0", "--port-pool", freePortWindow(100).pool, "--host", "0.0.0.0", ...SLOT, "--", "echo", "{host}"]);
    expect(run).toExitWith(0);
    const event = execEvent(run.stdout);
    expect(event.argv).toEqual(["echo", "0.0.0.0"]);
    expect(event.url).not.toContain("0.0.0.0");
    expect(event.url).toMatch(/^http:\/\/[^/]+:\d+$/);
  });

  test.each([
    [["--host", "http://gpu07"], 'bad value "http://gpu07" for --host; expected an IPv4 or IPv6 address, or a hostname'],
    [["--host", "gpu07:8000"], 'bad value "gpu07:8000" for --host'],
    [["--advertise-host", "0.0.0.0"], 'bad value "0.0.0.0" for --advertise-host; a wildcard address cannot be dialled'],
    [["--advertise-host", "[::]"], 'bad value "[::]" for --advertise-host; a wildcard address cannot be dialled'],
  ])("%p is bad input (exit 2)", async (flags, expected) => {
    const run = await runBerth(["run", "vllm:d1", ...flags, ...SLOT, "--", "true"]);
    expect(run).toExitWith(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(expected);
  });

  test("the error names BERTH_HOST when the value came from there", async () => {
    const run = await runBerth(["run", "vllm:d1", ...SLOT, "--", "true"], { env: { BERTH_HOST: "a host" } });
    expect(run).toExitWith(2);
    expect(run.stderr).toContain('bad value "a host" for BERTH_HOST');
  });

  test("the default advertised address is the default route's interface, not docker0 that comes first", async () => {
    // A network namespace of the test's own: docker0 (created first, so first in interface order) and eth9,
    // which carries the default route. Nothing is sent anywhere: exec only works out the URL.
    const setup = [
      "ip link add veth-d type veth peer name docker0", "ip addr add 172.17.0.1/16 dev docker0", "ip link set docker0 up", "ip link set veth-d up",
      "ip link add eth9 type veth peer name eth9p", "ip addr add 10.9.0.2/24 dev eth9", "ip link set eth9 up", "ip link set eth9p up",
      "ip route add default via 10.9.0.1 dev eth9",
    ].join(" && ");
    const berth = [...berthArgv(), "exec", "vllm:d1", "--server", "0", "--port-pool", freePortWindow(100).pool, ...SLOT, "--", "true"].map((word) => `'${word}'`).join(" ");
    const child = Bun.spawn(["unshare", "--net", "sh", "-c", `${setup} && exec ${berth}`], { cwd: REPO_ROOT, env: berthEnvironment(), stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(execEvent(stdout).url).toMatch(/^http:\/\/10\.9\.0\.2:\d+$/);
  });
});

describe("placeholders", () => {
  test("an unknown {placeholder} is bad input naming it and the known ones; {{name}} is a literal", async () => {
    const typo = await runBerth(["exec", "vllm:d1", "--server", "0", "--port-pool", freePortWindow(100).pool, ...SLOT, "--", "serve", "--port", "{prot}"]);
    expect(typo).toExitWith(2);
    expect(typo.stderr).toContain('unknown placeholder {prot} in "{prot}" after --; berth fills {port} {dist_port} {kv_events_port} {bootstrap_port} {host}');
    const literal = await runBerth(["exec", "vllm:d1", "--server", "0", "--port-pool", freePortWindow(100).pool, ...SLOT, "--", "echo", "{{prompt}}", '{"json":1}']);
    expect(literal).toExitWith(0);
    expect(execEvent(literal.stdout).argv).toEqual(["echo", "{prompt}", '{"json":1}']);
  });
});
