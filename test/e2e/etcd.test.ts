// The rendezvous in a real etcd (Debian's etcd-server, started here on loopback ports): two nodes and
// berth wait, the keys read back with etcdctl, and a SIGKILLed node whose lease runs out.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { ETCD_MISSING, etcdGetPrefix, etcdInstalled, startEtcd, type LocalEtcd } from "../support/etcd.ts";
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

  test("two nodes publish under berth/<job>/nodes/<rank> with their lease; berth wait returns all four servers", async () => {
    const rendezvous = `etcd://${etcd.address}`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] }));
    const waited = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s", "--json"]);
    expect(waited).toExitWith(0);
    expect(JSON.parse(waited.stdout).servers.map((server: { index: number; node: number }) => [server.index, server.node])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1]]);
    const keys = await etcdGetPrefix(etcd, "berth/job-1/");
    expect(Object.keys(keys).sort()).toEqual(["berth/job-1/nodes/0", "berth/job-1/nodes/1"]);
    expect(JSON.parse(keys["berth/job-1/nodes/1"]!)).toMatchObject({ rank: 1, nodes: 2, spec: "vllm:d4", state: "running" });
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
    expect(await etcdGetPrefix(etcd, "berth/job-1/")).toEqual({}); // records removed, leases revoked
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
});
