import { expect, test } from "bun:test";
import { jobHosts, resolveNodeIdentity, serverSlot } from "../../../src/core/launch/node-identity.ts";

test.each([
  [{}, {}, { rank: 0, count: 1, source: "a single node by default" }],
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
  // AReaL's one srun per node with --nodes 2: the node's place in the job's node list is its rank.
  [{ count: 2 }, { SLURM_NODEID: "0", SLURM_NNODES: "1", SLURM_JOB_NODELIST: "n[0-1]", SLURMD_NODENAME: "n1" }, { rank: 1, count: 2, source: "SLURMD_NODENAME's place in SLURM_JOB_NODELIST/--nodes" }],
  [{ count: 2 }, { SLURM_NODEID: "0", SLURM_NNODES: "1", SLURM_JOB_NODELIST: "n[0-1]", SLURMD_NODENAME: "n0" }, { rank: 0, count: 2, source: "SLURMD_NODENAME's place in SLURM_JOB_NODELIST/--nodes" }],
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
  [{ count: 2 }, { SLURM_NODEID: "0", SLURM_NNODES: "1", SLURM_JOB_NODELIST: "n[0-1]", SLURMD_NODENAME: "elsewhere" }, "SLURM_NNODES=1 (this step) contradicts a job of 2 nodes"],
])("refuses %p %p", (flags, env, expected) => {
  const result = resolveNodeIdentity(flags, env);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.message).toContain(expected);
});

test("job hosts: --leader-addr, then LWS, then this step's hosts, then the job's", () => {
  expect(jobHosts("10.0.0.1", { LWS_LEADER_ADDRESS: "lws" })).toEqual({ leader: "10.0.0.1", source: "--leader-addr" });
  expect(jobHosts(undefined, { LWS_LEADER_ADDRESS: "lws", SLURM_JOB_NODELIST: "n[1-2]" })).toEqual({ leader: "lws", source: "LWS_LEADER_ADDRESS" });
  expect(jobHosts(undefined, { SLURM_JOB_NODELIST: "n[1-4]", SLURM_STEP_NODELIST: "n[2-3]" })).toEqual({ nodes: ["n2", "n3"], source: "SLURM_STEP_NODELIST" });
  expect(jobHosts(undefined, { SLURM_JOB_NODELIST: "rack[1-2]-node[01-02]" })).toEqual({ nodes: ["rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02"], source: "SLURM_JOB_NODELIST" });
  expect(jobHosts(undefined, {})).toEqual({});
});

test("server slot: --server, LOCAL_RANK, SLURM_LOCALID", () => {
  expect(serverSlot(2, { LOCAL_RANK: "5" })).toEqual({ ok: true, slot: 2, source: "--server" });
  expect(serverSlot(undefined, { LOCAL_RANK: "5", SLURM_LOCALID: "6" })).toEqual({ ok: true, slot: 5, source: "LOCAL_RANK" });
  expect(serverSlot(undefined, { SLURM_LOCALID: "6" })).toEqual({ ok: true, slot: 6, source: "SLURM_LOCALID" });
  expect(serverSlot(undefined, {}).ok).toBe(false);
});
