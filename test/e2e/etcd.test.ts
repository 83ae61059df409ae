// The rendezvous in a real etcd (Debian's etcd-server, started here on loopback ports): two nodes and
// berth wait, the keys read back with etcdctl, and a SIGKILLed node whose lease runs out.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { ETCD_MISSING, etcdGetPrefix, etcdInstalled, etcdLater, startEtcd, type LocalEtcd } from "../support/etcd.ts";
import { startNode } from "../support/job-nodes.ts";

const installed = etcdInstalled();
if (!installed) console.warn(ETCD_MISSING);

describe.skipIf(!installed)("an etcd rendezvous", () => {
  let etcd: LocalEtcd;
  beforeAll(async () => {
    etcd = await startEtcd();
  });
  afterAll(async () => {
    await killLeftoverBerths();
    await etcd.stop();
  });

  test("two nodes publish under berth/<job>/attempts/<attempt>/nodes/<rank> with their lease; berth wait returns all four servers", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] }));
    const waited = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s", "--json"]);
    expect(waited).toExitWith(0);
    expect(JSON.parse(waited.stdout).servers.map((server: { index: number; node: number }) => [server.index, server.node])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1]]);
    const attempt = JSON.parse(waited.stdout).attempt;
    const keys = await etcdGetPrefix(etcd, "berth/job-1/");
    expect(Object.keys(keys).sort()).toEqual([`berth/job-1/attempts/${attempt}/nodes/0`, `berth/job-1/attempts/${attempt}/nodes/1`, "berth/job-1/current-attempt"]);
    expect(JSON.parse(keys[`berth/job-1/attempts/${attempt}/nodes/1`]!)).toMatchObject({ job: "job-1", attempt, rank: 1, nodes: 2, spec: "vllm:d4", state: "running" });
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
    expect(Object.keys(await etcdGetPrefix(etcd, "berth/job-1/"))).toEqual(["berth/job-1/current-attempt"]); // records removed, leases revoked
  });

  test("a SIGKILLed node's record vanishes with its lease, and the other node stops (--fail-together)", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-2" }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-2", "--timeout", "25s"])).toExitWith(0);
    nodes[1]!.berth.kill("SIGKILL");
    expect(await nodes[0]!.berth.result()).toExitWith(1);
    expect(nodes[0]!.berth.events.some((event) => /the job failed elsewhere: node 1 \(127\.0\.0\.1\) vanished/.test(String(event.text)))).toBe(true);
  });

  test("AReaL's etcd3 name_resolve: <user>/<E>/<T>/gen_servers/<8 hex> = host:port, no leading slash, gone at the end", async () => {
    const berth = startBerth(["run", "vllm:d2", "--simulate", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--host", "127.0.0.1", "--json",
      "--areal-name-resolve", `etcd3:${etcd.address}`, "--areal-experiment", "grpo", "--areal-trial", "t1", "--areal-user", "alice", "--", ...FAKE_SERVER, "--port", "{port}"]);
    const ready = await berth.waitForEvent((event) => event.event === "ready", "ready");
    await waitFor(async () => Object.keys(await etcdGetPrefix(etcd, "alice/grpo/t1/gen_servers/")).length === 2, "two entries in etcd");
    const entries = await etcdGetPrefix(etcd, "alice/grpo/t1/gen_servers/");
    for (const key of Object.keys(entries)) expect(key).toMatch(/^alice\/grpo\/t1\/gen_servers\/[0-9a-f]{8}$/);
    expect(Object.values(entries).sort()).toEqual([...(ready.addresses as string[])].sort());
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(await etcdGetPrefix(etcd, "alice/grpo/t1/")).toEqual({});
  });

  test("every node SIGKILLed: berth wait never returns their servers, though their records outlive them until the leases lapse", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-3" }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-3", "--timeout", "25s"])).toExitWith(0);
    for (const node of nodes) node.berth.kill("SIGKILL");
    for (const node of nodes) await node.berth.exited;
    expect(Object.keys(await etcdGetPrefix(etcd, "berth/job-3/attempts/"))).toHaveLength(2); // still there, within their lease
    const stale = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-3", "--timeout", "2s"]);
    expect(stale).toExitWith(1);
    expect(stale.stdout).toBe("");
    expect(stale.stderr).toContain("is a leftover");
  });

  test("a second claimant of a live rank is refused (exit 3) by etcd's transaction, naming the holder", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-4" }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-4", "--timeout", "25s"])).toExitWith(0);
    const copy = startNode(rendezvous, 1, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-4" });
    expect(await copy.berth.result()).toExitWith(3);
    expect(copy.berth.stderr()).toContain(`is held by berth pid ${nodes[1]!.berth.pid} on `);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });

  test("a node refused before its servers start publishes why: berth wait fails within seconds", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const waiting = runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-5", "--timeout", "60s"]);
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd", ...(rank === 1 ? ["--areal-experiment", "e"] : [])], job: "job-5" }));
    expect(await nodes[1]!.berth.result()).toExitWith(2);
    expect([1, 3]).toContain((await nodes[0]!.berth.result()).code); // it followed, before or after its servers started
    const failed = await waiting;
    expect(failed).toExitWith(1);
    expect(failed.stderr).toMatch(/node 1 \(\S+\) failed: --areal-experiment needs --areal-name-resolve \(exit 2\)/);
  });

  test("etcd SIGKILLed for 8 s, then stalled past the lease for 14 s: the job keeps serving, and says so", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-6" }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-6", "--timeout", "25s"])).toExitWith(0);
    await etcd.kill();
    await Bun.sleep(8000);
    await etcd.start();
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-6", "--timeout", "25s"])).toExitWith(0);
    etcd.pause();
    await Bun.sleep(14_000);
    etcd.resume();
    // Each node's lease lapsed during the stall: each puts its record back under a new lease.
    await waitFor(async () => Object.keys(await etcdGetPrefix(etcd, "berth/job-6/attempts/")).length === 2, "both records back", 20_000);
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-6", "--timeout", "25s"])).toExitWith(0);
    for (const node of nodes) {
      expect(node.berth.events.some((event) => event.event === "exit")).toBe(false);
      expect(node.berth.events.some((event) => /cannot reach the rendezvous etcd .*; the servers keep running/.test(String(event.text)))).toBe(true);
    }
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  }, 90_000);

  test("berth wait started before etcd is up keeps trying, in its own words, and succeeds once it is", async () => {
    const later = etcdLater();
    const rendezvous = `etcd://${later.address}`;
    const waiting = runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-7", "--timeout", "40s"]);
    await Bun.sleep(2000);
    const late = await later.start();
    try {
      const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"], job: "job-7" }));
      const waited = await waiting;
      expect(waited).toExitWith(0);
      expect(waited.stderr).toContain(`berth wait: cannot reach the rendezvous etcd http://${later.address}: cannot reach etcd at http://${later.address}: connection refused; berth wait keeps trying until its --timeout`);
      expect(waited.stderr).not.toContain("Is the computer able to access the url");
      for (const node of nodes) node.berth.kill("SIGTERM");
      for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
    } finally {
      await late.stop();
    }
  }, 60_000);
});

