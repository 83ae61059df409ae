// The job as one reader sees it, decided purely: liveness on the reader's own evidence, then waiting, ready
// or failed (and which failure is the cause).
import { describe, expect, test } from "bun:test";
import { viewJob } from "../../../src/core/rendezvous/job-view.ts";
import { judgeNode, newJobWatch, observeRead, observeTrouble, observeWorking, type JobWatch, type NodeSighting, type WriterCheck } from "../../../src/core/rendezvous/liveness.ts";
import { incompatibility, parseNodeRecord, type NodeRecord } from "../../../src/core/rendezvous/node-record.ts";
import { jobName, parseRendezvous } from "../../../src/core/rendezvous/location.ts";

const STALE = 10_000;

function node(rank: number, extra: Partial<NodeRecord> = {}, states: string[] = ["healthy", "healthy"]): NodeRecord {
  return {
    job: "j", attempt: "a1", rank, nodes: 2, host: `h${rank}`, spec: "vllm:d4", gpusPerNode: 2, layout: "abcd0123", serverCount: 4, state: "running", heartbeat: 1, writtenAt: 1,
    writer: { host: `h${rank}`, bootId: `boot-${rank}`, pid: 100 + rank, startTicks: 5, uid: 0 },
    servers: states.map((state, local) => ({ index: rank * 2 + local, node: rank, localIndex: local, role: "single" as const, state, url: `http://h${rank}:${1000 + local}`, host: `h${rank}`, port: 1000 + local, ports: { first: 1000, last: 1015, dist: 1001 }, gpus: [] })),
    ...extra,
  };
}

const sight = (record: NodeRecord, check: WriterCheck = { kind: "unknown" }): NodeSighting => ({ record, version: "1", check });

/** Two reads, the heartbeat moving between them: every node seen alive at `at`. */
function seenAlive(records: NodeRecord[], at = 1000): JobWatch {
  const first = observeRead(newJobWatch(0), records.map((record) => sight(record)), at - 500);
  return observeRead(first, records.map((record) => sight({ ...record, heartbeat: record.heartbeat + 1 })), at);
}

describe("liveness: evidence this reader saw", () => {
  test("a record read once, from a writer berth cannot check, is not yet alive; its heartbeat moving makes it so", () => {
    const once = observeRead(newJobWatch(0), [sight(node(0))], 1000);
    expect(judgeNode(once.nodes.get(0)!, once, 1000, STALE)).toEqual({ kind: "judging" });
    const twice = observeRead(once, [sight(node(0, { heartbeat: 2 }))], 3000);
    expect(judgeNode(twice.nodes.get(0)!, twice, 3000, STALE)).toEqual({ kind: "alive" });
  });

  test("a writer checked alive on this host is alive at the first read; one checked dead is a leftover, never alive", () => {
    const alive = observeRead(newJobWatch(0), [sight(node(0), { kind: "alive" })], 1000);
    expect(judgeNode(alive.nodes.get(0)!, alive, 1000, STALE).kind).toBe("alive");
    const dead = observeRead(newJobWatch(0), [sight(node(0), { kind: "dead", why: "berth pid 100 on h0 is gone" })], 1000);
    expect(judgeNode(dead.nodes.get(0)!, dead, 1000, STALE)).toEqual({ kind: "stale", why: "berth pid 100 on h0 is gone" });
  });

  test("SIGKILLed after it was seen alive: vanished, by a check here at once, or by silence after STALE_MS", () => {
    const watch = seenAlive([node(0)]);
    const checked = observeRead(watch, [sight(node(0, { heartbeat: 2 }), { kind: "dead", why: "berth pid 100 on h0 is gone" })], 1100);
    expect(judgeNode(checked.nodes.get(0)!, checked, 1100, STALE)).toEqual({ kind: "vanished", why: "berth pid 100 on h0 is gone" });
    const silent = observeRead(watch, [sight(node(0, { heartbeat: 2 }))], 11_500);
    expect(judgeNode(silent.nodes.get(0)!, silent, 11_500, STALE)).toEqual({ kind: "vanished", why: "no heartbeat for 11s" });
  });

  test("a record that first shows up after this reader's first read was written while it watched: a node that died since has vanished", () => {
    const before = observeRead(newJobWatch(0), [sight(node(0), { kind: "alive" })], 1000);
    const dead = { kind: "dead", why: "berth pid 101 on h1 is gone" } as const;
    const later = observeRead(before, [sight(node(0), { kind: "alive" }), sight(node(1, { heartbeat: 5 }), dead)], 1500);
    expect(judgeNode(later.nodes.get(1)!, later, 1500, STALE)).toEqual({ kind: "vanished", why: "berth pid 101 on h1 is gone" });
    const view = viewJob(later, 1500, STALE, 0);
    expect(view).toMatchObject({ kind: "failed", reason: "node 1 (h1) vanished: berth pid 101 on h1 is gone" });
    // A remote writer berth cannot check counts as alive when its record first shows up after the first read.
    const remote = observeRead(before, [sight(node(0), { kind: "alive" }), sight(node(1))], 1500);
    expect(judgeNode(remote.nodes.get(1)!, remote, 1500, STALE).kind).toBe("alive");
  });

  test("records left by a run that is over (never seen alive) are stale, not vanished, and never ready", () => {
    let watch = observeRead(newJobWatch(0), [sight(node(0)), sight(node(1))], 0);
    watch = observeRead(watch, [sight(node(0)), sight(node(1))], 12_000);
    expect(judgeNode(watch.nodes.get(0)!, watch, 12_000, STALE)).toEqual({ kind: "stale", why: "no heartbeat for 12s" });
    const view = viewJob(watch, 12_000, STALE);
    expect(view.kind).toBe("waiting");
    expect(view.kind === "waiting" && view.progress).toContain("node 0 (h0) is a leftover (no heartbeat for 12s); waiting for a live node to take its place");
  });

  test("a store that cannot be reached proves nothing: silence counts only from when it works again", () => {
    let watch = seenAlive([node(0)], 1000);
    watch = observeTrouble(watch, 2000);
    expect(judgeNode(watch.nodes.get(0)!, watch, 30_000, STALE).kind).toBe("alive");
    watch = observeRead(watch, [sight(node(0, { heartbeat: 2 }))], 30_000); // a read alone does not end it (a read-only store still reads)
    expect(judgeNode(watch.nodes.get(0)!, watch, 30_000, STALE).kind).toBe("alive");
    watch = observeWorking(watch, 30_000); // this reader's own write went through: back, with the heartbeat it had
    expect(judgeNode(watch.nodes.get(0)!, watch, 35_000, STALE).kind).toBe("alive");
    expect(judgeNode(watch.nodes.get(0)!, watch, 40_001, STALE)).toEqual({ kind: "vanished", why: "no heartbeat for 10s" });
  });

  test("a record that vanished from the store (a lapsed lease) has STALE_MS to come back", () => {
    const watch = seenAlive([node(0), node(1)], 1000);
    const gone = observeRead(watch, [sight(node(0, { heartbeat: 2 }))], 2000);
    expect(judgeNode(gone.nodes.get(1)!, gone, 2000, STALE).kind).toBe("judging");
    const back = observeRead(gone, [sight(node(0, { heartbeat: 3 })), sight(node(1, { heartbeat: 5 }))], 3000);
    expect(judgeNode(back.nodes.get(1)!, back, 3000, STALE).kind).toBe("alive");
    expect(judgeNode(gone.nodes.get(1)!, gone, 11_500, STALE)).toEqual({ kind: "vanished", why: "its record has been gone from the rendezvous for 11s" });
  });
});

describe("viewJob", () => {
  test("ready once every node is seen alive and every server is healthy, in index order", () => {
    const view = viewJob(seenAlive([node(1), node(0)]), 1000, STALE);
    expect(view.kind === "ready" && view.servers.map((server) => server.index)).toEqual([0, 1, 2, 3]);
  });

  test("not ready on a first read alone, however healthy the records say they are", () => {
    const once = observeRead(newJobWatch(0), [sight(node(0)), sight(node(1))], 1000);
    expect(viewJob(once, 1000, STALE)).toEqual({ kind: "waiting", progress: "0 of 2 node(s) alive; 4 of 4 server(s) healthy; node 0 (h0) not yet seen alive; node 1 (h1) not yet seen alive" });
  });

  test("waiting, saying what holds it up", () => {
    expect(viewJob(seenAlive([node(0, {}, ["healthy", "starting"])]), 1000, STALE)).toEqual({ kind: "waiting", progress: "1 of 2 node(s) alive; 1 of 4 server(s) healthy (s1 starting); node(s) 1 not published yet" });
    expect(viewJob(newJobWatch(0), 1000, STALE)).toEqual({ kind: "waiting", progress: "no node has published yet" });
  });

  test("a node that claimed its rank but has not joined yet (no layout) holds readiness back", () => {
    const view = viewJob(seenAlive([node(0), node(1, { layout: "", serverCount: 0, servers: [] })]), 1000, STALE);
    expect(view.kind).toBe("waiting");
  });

  test("the cause is reported, not the node that only followed it; a published refusal says its exit status", () => {
    const followed = node(0, { state: "failed", reason: "stopped with the job", followed: true });
    const cause = node(1, { state: "failed", reason: "GPU GPU-1 for server 2 is held by pid 7", exitCode: 3 });
    expect(viewJob(seenAlive([followed, cause]), 1000, STALE)).toEqual({ kind: "failed", reason: "node 1 (h1) failed: GPU GPU-1 for server 2 is held by pid 7 (exit 3)", node: 1 });
  });

  test("a published failure counts at the first read, whoever wrote it", () => {
    const once = observeRead(newJobWatch(0), [sight(node(1, { state: "failed", reason: "bad flag", exitCode: 2 }), { kind: "dead", why: "gone" })], 1000);
    expect(viewJob(once, 1000, STALE)).toEqual({ kind: "failed", reason: "node 1 (h1) failed: bad flag (exit 2)", node: 1 });
  });

  test("a failed server and a vanished node are failures; a node's own record is left out of its own watch", () => {
    expect(viewJob(seenAlive([node(0, {}, ["healthy", "failed"])]), 1000, STALE)).toEqual({ kind: "failed", reason: "server 1 on node 0 (h0) failed", node: 0 });
    const silent = observeRead(seenAlive([node(0), node(1)]), [sight(node(0, { heartbeat: 2 })), sight(node(1, { heartbeat: 2 }))], 11_500);
    expect(viewJob(silent, 11_500, STALE)).toEqual({ kind: "failed", reason: "node 0 (h0) vanished: no heartbeat for 11s", node: 0 });
    expect(viewJob(silent, 11_500, STALE, 0)).toEqual({ kind: "failed", reason: "node 1 (h1) vanished: no heartbeat for 11s", node: 1 });
  });
});

describe("node records are validated", () => {
  test("a forged or broken record says what is wrong with it", () => {
    expect(parseNodeRecord("{").ok).toBe(false);
    expect(parseNodeRecord(JSON.stringify({ ...node(0), rank: -1 }))).toMatchObject({ ok: false, why: expect.stringContaining("rank") });
    expect(parseNodeRecord(JSON.stringify({ ...node(0), servers: [{ ...node(0).servers[0], url: "http://evil.example/x y" }] }))).toMatchObject({ ok: false, why: "servers.0.url: not http://host:port" });
    expect(parseNodeRecord(JSON.stringify(node(0)))).toEqual({ ok: true, record: node(0) });
  });
});

describe("incompatibility", () => {
  test("a different spec, node count, GPU count or layout is named with both sides; a different port pool is not", () => {
    expect(incompatibility(node(1), [node(0)])).toBeUndefined();
    expect(incompatibility(node(1, { spec: "vllm:d2t2" }), [node(0)])).toBe('node 0 (h0, berth pid 100 on h0) runs "vllm:d4" on 2 node(s) × 2 GPUs, but this node "vllm:d2t2" on 2 node(s) × 2 GPUs; every node of a job attempt must be launched alike');
    expect(incompatibility(node(1, { layout: "ffff0000" }), [node(0)])).toContain("with GPU layout abcd0123, but this node's is ffff0000");
    expect(incompatibility(node(1, { gpusPerNode: 8 }), [node(0)])).toContain("× 8 GPUs");
  });
});

describe("locations and job names", () => {
  test.each([
    ["/shared/x", { kind: "directory", path: "/shared/x" }],
    ["file:///shared/x/", { kind: "directory", path: "/shared/x" }],
    ["etcd://127.0.0.1:2379", { kind: "etcd", endpoint: "http://127.0.0.1:2379" }],
    ["etcd://etcd.default.svc:2379", { kind: "etcd", endpoint: "http://etcd.default.svc:2379" }],
    ["etcd://[::1]:2379", { kind: "etcd", endpoint: "http://[::1]:2379" }],
  ])("%p", (text, location) => {
    expect(parseRendezvous(text, "--rendezvous")).toEqual({ ok: true, location: location as never });
  });

  test("job names: --job, SLURM_JOB_ID, the LWS group", () => {
    expect(jobName({ value: "rl-7" }, { SLURM_JOB_ID: "9" })).toEqual({ ok: true, name: "rl-7", from: "--job" });
    expect(jobName({}, { SLURM_JOB_ID: "9" })).toEqual({ ok: true, name: "9", from: "SLURM_JOB_ID" });
    expect(jobName({}, { LWS_LEADER_ADDRESS: "rl-0.rl.default" })).toEqual({ ok: true, name: "lws-rl-0", from: "LWS_LEADER_ADDRESS" });
    expect(jobName({}, {}).ok).toBe(false);
  });
});
