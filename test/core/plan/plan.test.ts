import { describe, expect, test } from "bun:test";
import { cluster, mustPlan, refusal } from "./helpers.ts";
import { planCluster } from "../../../src/core/plan/plan.ts";
import { planJson } from "../../../src/core/plan/plan-json.ts";
import { readSpec } from "../../../src/core/spec/index.ts";

describe("AReaL #652: vllm:d12p1t1+d4p1t1 on 2 nodes × 8 GPUs", () => {
  const plan = mustPlan("vllm:d12p1t1+d4p1t1", cluster(2, 8));

  test("node 0 holds 8 servers with local indices 0-7", () => {
    const onNode0 = plan.servers.filter((server) => server.node === 0);
    expect(onNode0.map((server) => server.localIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(onNode0.map((server) => server.gpus)).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
  });

  test("node 1 holds servers 8-11 with local indices 0-3, not global ones", () => {
    const onNode1 = plan.servers.filter((server) => server.node === 1);
    expect(onNode1.map((server) => server.index)).toEqual([8, 9, 10, 11]);
    expect(onNode1.map((server) => server.localIndex)).toEqual([0, 1, 2, 3]);
    expect(onNode1.map((server) => server.gpus)).toEqual([[0], [1], [2], [3]]);
    expect(onNode1.map((server) => server.globalGpus)).toEqual([[8], [9], [10], [11]]);
  });

  test("the 12th server's block sits inside the pool, where AReaL computed 65000-70000", () => {
    const twelfth = plan.servers[11]!;
    expect(twelfth.ports.first).toBeGreaterThanOrEqual(10000);
    expect(twelfth.ports.last).toBeLessThanOrEqual(32767);
    // Node-local index 3 gets the same block as server 3 on node 0.
    expect(twelfth.ports).toEqual(plan.servers[3]!.ports);
  });

  test("training gets node 1's GPUs 4-7", () => {
    expect(plan.training).toEqual([{ name: undefined, backend: "auto", node: 1, gpus: [4, 5, 6, 7], globalGpus: [12, 13, 14, 15] }]);
  });
});

describe("placement", () => {
  test("inference components take GPUs before training even when written after it", () => {
    const plan = mustPlan("fsdp[actor]:d4+vllm[gen]:d4", cluster(1, 8));
    expect(plan.servers.map((server) => server.gpus)).toEqual([[0], [1], [2], [3]]);
    expect(plan.training[0]!.gpus).toEqual([4, 5, 6, 7]);
  });

  test("a server the size of whole nodes becomes a multi-node server with a leader", () => {
    const plan = mustPlan("sglang:d2t16", cluster(4, 8));
    expect(plan.servers.map((server) => ({ node: server.node, nodes: server.nodes, gpus: server.gpus, local: server.localIndex }))).toEqual([
      { node: 0, nodes: [0, 1], gpus: [0, 1, 2, 3, 4, 5, 6, 7], local: 0 },
      { node: 2, nodes: [2, 3], gpus: [0, 1, 2, 3, 4, 5, 6, 7], local: 0 },
    ]);
    expect(plan.servers[0]!.placements.map((placement) => placement.node)).toEqual([0, 1]);
  });

  test("colocated components share GPUs", () => {
    const plan = mustPlan("vllm:d2t2|fsdp:d4", cluster(1, 8));
    expect(plan.servers.flatMap((server) => server.gpus)).toEqual([0, 1, 2, 3]);
    expect(plan.training[0]!.gpus).toEqual([0, 1, 2, 3]);
    expect(plan.unusedGpus).toEqual([{ node: 0, gpus: [4, 5, 6, 7] }]);
  });

  test("vLLM blocks are 16 ports (HTTP, dist, side channels, bootstrap, KV events, VLLM_PORT's 9); SGLang blocks 32", () => {
    const plan = mustPlan("vllm[a]:d1+sglang[b]:d1", cluster(1, 8));
    const [vllm, sglang] = plan.servers;
    expect(vllm!.ports).toEqual({
      first: 10000, last: 10015, http: 10000, dist: 10001, internal: { first: 10007, last: 10015 },
      named: { nixlSideChannel: 10002, p2pSideChannel: 10003, ecSideChannel: 10004, bootstrap: 10005, kvEvents: 10006 },
    });
    expect(sglang!.ports).toEqual({
      first: 10016, last: 10047, http: 10016, dist: 10017, internal: { first: 10032, last: 10039 },
      named: { bootstrap: 10040, encoderBootstrap: 10041, engineInfoBootstrap: 10042, kvEvents: 10043, tcpStore: 10044, grpc: 10045, sidecar: 10046 },
    });
  });

  test("blocks skip ip_local_reserved_ports", () => {
    const plan = mustPlan("vllm:d2", cluster(1, 8, { reservedPorts: [{ first: 10010, last: 10010 }] }));
    expect(plan.servers.map((server) => server.ports.first)).toEqual([10011, 10027]);
  });

  test("a pool reaching the ephemeral range plans with a warning", () => {
    const result = mustPlan("vllm:d1", cluster(1, 8, { portPool: { first: 30000, last: 40000 } }));
    expect(result.servers[0]!.ports.first).toBe(30000);
  });
});

describe("refusals say what would fit", () => {
  test.each([
    ["vllm:d20", 2, 8, "the spec needs 20 GPUs but the cluster has 16 (2 nodes × 8); use --nodes 3, or --gpus-per-node 10"],
    ["vllm:d4t3", 1, 8, "the spec needs 12 GPUs but the cluster has 8 (1 node × 8) (more nodes of 8 GPUs would not help: a server would straddle two of them); use --gpus-per-node 12"],
    ["vllm:d3t3", 2, 8, "vllm server 2 (3 GPUs) would straddle nodes (global GPUs 6-8, nodes 0-1): servers must not straddle nodes; with 8 GPUs per node, use t*p dividing 8"],
    ["vllm:d1t12", 2, 8, "a server larger than one node (8 GPUs) must use a whole multiple of it"],
    ["vllm[a]:d2+sglang[b]:d1t8", 2, 8, "a multi-node server must start on a node boundary"],
    // Too many GPUs is said alone: straddling onto nodes that do not exist would only distract.
    ["sglang:d1t16", 2, 4, "the spec needs 16 GPUs but the cluster has 8 (2 nodes × 4); use --nodes 4, or --gpus-per-node 8"],
  ])("%s on %d×%d", (text, nodes, gpusPerNode, expected) => {
    expect(refusal(text, cluster(nodes, gpusPerNode))).toContain(expected);
  });

  test.each([
    ["vllm:d4t3", 1, 8], ["vllm:d4t3", 1, 9], ["vllm:d20", 2, 8], ["sglang:d1t16", 2, 4], ["vllm:d3t2+fsdp[actor]:d6", 1, 8], ["sglang:d2t4+vllm[b]:d3t3", 1, 6],
  ])("the advice for %s on %d×%d works when followed", (text, nodes, gpusPerNode) => {
    const said = refusal(text, cluster(nodes, gpusPerNode));
    const moreNodes = /--nodes (\d+)/.exec(said);
    const widerNodes = /--gpus-per-node (\d+)/.exec(said);
    expect(moreNodes ?? widerNodes).not.toBeNull();
    if (moreNodes) mustPlan(text, cluster(Number(moreNodes[1]), gpusPerNode));
    if (widerNodes) mustPlan(text, cluster(nodes, Number(widerNodes[1])));
  });

  test("a pool too small for a node's servers", () => {
    expect(refusal("vllm:d8", cluster(1, 8, { portPool: { first: 20000, last: 20099 } }))).toContain(
      "node 0 needs 8 port blocks (128 ports in all) but the pool 20000-20099, less reserved ports, holds only 6; use a --port-pool of at least 128 free ports, e.g. 20000-20127",
    );
  });
});

describe("said, not silent", () => {
  test("two inference components joined by | are warned about: they share every GPU's memory", () => {
    const spec = readSpec("vllm:d4|sglang:d4");
    const planned = planCluster(spec.ok ? spec.value : (undefined as never), cluster(1, 4));
    expect(planned.ok && planned.warnings.some((warning) => warning.startsWith("vllm and sglang share every GPU of their group"))).toBe(true);
  });

  test("plan --node-rank shows a multi-node server as that node runs it: a member, with its own placement", () => {
    const plan = mustPlan("sglang:d1t16", cluster(2, 8));
    const [member] = planJson(plan, { nodeRank: 1, warnings: [] }).servers as Record<string, unknown>[];
    expect(member).toMatchObject({ index: 0, node: 1, localIndex: 0, role: "member", leaderNode: 0 });
    const [leader] = planJson(plan, { nodeRank: 0, warnings: [] }).servers as Record<string, unknown>[];
    expect(leader).toMatchObject({ node: 0, role: "leader", leaderNode: 0 });
  });
});
