// The job as a rendezvous shows it, decided purely: waiting, ready, or failed (and which failure is the cause).
import { describe, expect, test } from "bun:test";
import { viewJob, type Observation } from "../../../src/core/rendezvous/job-view.ts";
import { incompatibility, type NodeRecord } from "../../../src/core/rendezvous/node-record.ts";
import { jobName, parseRendezvous } from "../../../src/core/rendezvous/location.ts";

function node(rank: number, extra: Partial<NodeRecord> = {}, states: string[] = ["healthy", "healthy"]): NodeRecord {
  return {
    rank, nodes: 2, host: `h${rank}`, pid: 100 + rank, spec: "vllm:d4", gpusPerNode: 2, layout: "abcd0123", serverCount: 4, state: "running", heartbeat: 1,
    servers: states.map((state, local) => ({ index: rank * 2 + local, node: rank, localIndex: local, role: "single" as const, state, url: `http://h${rank}:${1000 + local}`, host: `h${rank}`, port: 1000 + local, ports: { first: 1000, last: 1015, dist: 1001 }, gpus: [] })),
    ...extra,
  };
}

const seen = (record: NodeRecord, changedAt = 1000): Observation => ({ record, changedAt });

describe("viewJob", () => {
  test("ready once every node published and every server is healthy, in index order", () => {
    const view = viewJob([seen(node(1)), seen(node(0))], [], 1000, 10_000);
    expect(view.kind === "ready" && view.servers.map((server) => server.index)).toEqual([0, 1, 2, 3]);
  });

  test("waiting, with how far it got", () => {
    expect(viewJob([seen(node(0, {}, ["healthy", "starting"]))], [], 1000, 10_000)).toEqual({ kind: "waiting", progress: "1 of 2 node(s) published, 1 of 4 server(s) healthy" });
    expect(viewJob([], [], 1000, 10_000)).toEqual({ kind: "waiting", progress: "no node has published yet" });
  });

  test("the cause is reported, not the node that only followed it", () => {
    const followed = node(0, { state: "failed", reason: "stopped with the job", followed: true });
    const cause = node(1, { state: "failed", reason: "server 3 failed (berth exited 3)" });
    expect(viewJob([seen(followed), seen(cause)], [], 1000, 10_000)).toEqual({ kind: "failed", reason: "node 1 (h1) failed: server 3 failed (berth exited 3)" });
  });

  test("a failed server, a stale heartbeat and a vanished record are failures", () => {
    expect(viewJob([seen(node(0, {}, ["healthy", "failed"]))], [], 1000, 10_000)).toEqual({ kind: "failed", reason: "server 1 on node 0 (h0) failed" });
    expect(viewJob([seen(node(0), 0)], [], 11_000, 10_000)).toEqual({ kind: "failed", reason: "node 0 (h0) vanished: no heartbeat for 11s" });
    expect(viewJob([seen(node(0))], [node(1)], 1000, 10_000)).toEqual({ kind: "failed", reason: "node 1 (h1) vanished: its record is gone from the rendezvous (berth there died)" });
    expect(viewJob([seen(node(0))], [node(1, { state: "stopped" })], 1000, 10_000).kind).toBe("waiting");
  });
});

describe("incompatibility", () => {
  test("a different spec, node count, GPU count or layout is named with both sides; a different port pool is not", () => {
    expect(incompatibility(node(1), [node(0)])).toBeUndefined();
    expect(incompatibility(node(1, { spec: "vllm:d2t2" }), [node(0)])).toBe('node 0 (h0) runs "vllm:d4" on 2 node(s) × 2 GPUs, but this node "vllm:d2t2" on 2 node(s) × 2 GPUs; every node of a job must be launched alike');
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
