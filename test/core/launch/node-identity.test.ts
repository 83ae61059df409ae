import { expect, test } from "bun:test";
import { firstSlurmHost, leaderAddress, resolveNodeIdentity, serverSlot } from "../../../src/core/launch/node-identity.ts";

test.each([
  [{}, {}, { rank: 0, count: 1, source: "default (a single node)" }],
  [{ rank: 1, count: 2 }, {}, { rank: 1, count: 2, source: "--node-rank/--nodes" }],
  [{}, { SLURM_NODEID: "3", SLURM_NNODES: "4" }, { rank: 3, count: 4, source: "SLURM_NODEID/SLURM_NNODES" }],
  [{}, { NODE_RANK: "1", NNODES: "2" }, { rank: 1, count: 2, source: "NODE_RANK/NNODES" }],
  [{}, { LWS_WORKER_INDEX: "2", LWS_GROUP_SIZE: "3" }, { rank: 2, count: 3, source: "LWS_WORKER_INDEX/LWS_GROUP_SIZE" }],
  [{ count: 8 }, { JOB_COMPLETION_INDEX: "5" }, { rank: 5, count: 8, source: "JOB_COMPLETION_INDEX/--nodes" }],
  [{}, { BERTH_NODE_RANK: "1", BERTH_NNODES: "2", SLURM_NODEID: "0", SLURM_NNODES: "9" }, { rank: 1, count: 2, source: "BERTH_NODE_RANK/BERTH_NNODES" }],
  [{ rank: 0 }, { SLURM_NODEID: "1", SLURM_NNODES: "2" }, { rank: 0, count: 2, source: "--node-rank/SLURM_NNODES" }],
  // A count alone is honoured (it used to be ignored without the rank beside it).
  [{}, { NNODES: "1" }, { rank: 0, count: 1, source: "NNODES" }],
  [{ rank: 1 }, { LWS_GROUP_SIZE: "4" }, { rank: 1, count: 4, source: "--node-rank/LWS_GROUP_SIZE" }],
  [{}, { JOB_COMPLETION_INDEX: "1", SLURM_NNODES: "2" }, { rank: 1, count: 2, source: "JOB_COMPLETION_INDEX/SLURM_NNODES" }],
  // A lower source's bad value does not matter once both are known.
  [{}, { BERTH_NODE_RANK: "0", BERTH_NNODES: "1", NODE_RANK: "x" }, { rank: 0, count: 1, source: "BERTH_NODE_RANK/BERTH_NNODES" }],
])("flags %p env %p", (flags, env, expected) => {
  expect(resolveNodeIdentity(flags, env)).toEqual({ ok: true, identity: expected });
});

test.each([
  [{}, { SLURM_NODEID: "x" }, 'bad value "x" for SLURM_NODEID; expected a whole number'],
  [{}, { SLURM_NODEID: "2", SLURM_NNODES: "2" }, "node rank 2 is not below the node count 2 (from SLURM_NODEID/SLURM_NNODES)"],
  [{ rank: 1 }, {}, "node rank 1 is not below the node count 1"],
  [{}, { SLURM_NNODES: "2" }, "the job has 2 nodes (from SLURM_NNODES) but nothing says which one this is; pass --node-rank R"],
  [{ count: 3 }, {}, "the job has 3 nodes (from --nodes) but nothing says which one this is"],
  [{ count: 2, countSource: "BERTH_NNODES" }, { SLURM_NODEID: "2" }, "node rank 2 is not below the node count 2 (from SLURM_NODEID/BERTH_NNODES)"],
])("refuses %p %p", (flags, env, expected) => {
  const result = resolveNodeIdentity(flags, env);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.message).toContain(expected);
});

test.each([
  ["gpu[07-09,12],cpu1", "gpu07"],
  ["node1,node2", "node1"],
  ["a100-[3,5]", "a100-3"],
  ["single", "single"],
])("first Slurm host of %p", (list, expected) => {
  expect(firstSlurmHost(list)).toBe(expected);
});

test("leader address: flag, then LWS, then Slurm", () => {
  expect(leaderAddress("10.0.0.1", { LWS_LEADER_ADDRESS: "lws" })).toBe("10.0.0.1");
  expect(leaderAddress(undefined, { LWS_LEADER_ADDRESS: "lws", SLURM_JOB_NODELIST: "n[1-2]" })).toBe("lws");
  expect(leaderAddress(undefined, { SLURM_JOB_NODELIST: "n[1-2]" })).toBe("n1");
  expect(leaderAddress(undefined, {})).toBeUndefined();
});

test("server slot: --server, LOCAL_RANK, SLURM_LOCALID", () => {
  expect(serverSlot(2, { LOCAL_RANK: "5" })).toEqual({ ok: true, slot: 2, source: "--server" });
  expect(serverSlot(undefined, { LOCAL_RANK: "5", SLURM_LOCALID: "6" })).toEqual({ ok: true, slot: 5, source: "LOCAL_RANK" });
  expect(serverSlot(undefined, { SLURM_LOCALID: "6" })).toEqual({ ok: true, slot: 6, source: "SLURM_LOCALID" });
  expect(serverSlot(undefined, {}).ok).toBe(false);
});
