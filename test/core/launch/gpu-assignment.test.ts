import { expect, test } from "bun:test";
import { assignGpus } from "../../../src/core/launch/gpu-assignment.ts";
import { serversOnNode } from "../../../src/core/plan/servers-on-node.ts";
import { parseHealthPaths } from "../../../src/core/supervise/health-paths.ts";
import { cluster, mustPlan } from "../plan/helpers.ts";

const NODE_GPUS = Array.from({ length: 8 }, (_, index) => ({ index: 10 + index, uuid: `GPU-${index}` }));

test("each server is planned on its node-local GPUs from the node's list", () => {
  const assigned = assignGpus(serversOnNode(mustPlan("vllm:d2t2", cluster(1, 8)), 0), NODE_GPUS);
  expect(assigned.map((gpus) => gpus.map((gpu) => gpu.index))).toEqual([[10, 11], [12, 13]]);
});

test("colocated servers are planned on the same GPUs", () => {
  const assigned = assignGpus(serversOnNode(mustPlan("vllm[a]:d2|sglang[b]:d2", cluster(1, 8)), 0), NODE_GPUS);
  expect(assigned.map((gpus) => gpus.map((gpu) => gpu.uuid))).toEqual([["GPU-0"], ["GPU-1"], ["GPU-0"], ["GPU-1"]]);
});

test.each([
  ["/health,/v1/models", ["/health", "/v1/models"]],
  [" /ping ", ["/ping"]],
  ["none", []],
  ["/a,,/b", ["/a", "/b"]],
])("--health-path %p", (text, expected) => {
  expect(parseHealthPaths(text)).toEqual({ ok: true, paths: expected });
});

test.each(["health", "http://x/health", "/a,b", ",", "/has space"])("--health-path %p is refused", (text) => {
  expect(parseHealthPaths(text).ok).toBe(false);
});
