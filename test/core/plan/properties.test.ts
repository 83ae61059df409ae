// Invariants over a wide grid of shapes: the whole #652 family (ports outside the pool, shared blocks,
// global indices used as local ones, GPUs given twice, servers straddling nodes) must be impossible.
import { expect, test } from "bun:test";
import type { Plan } from "../../../src/core/types.ts";
import { DEFAULT_TEST_POOL, cluster, plan } from "./helpers.ts";

/** mulberry32: a tiny seeded generator, so a failure reproduces exactly. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let mixed = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function checkInvariants(result: Plan, gpusPerNode: number): void {
  const portsByNode = new Map<number, [number, number][]>();
  const gpusTaken = new Set<number>();
  for (const server of result.servers) {
    const size = server.tp * server.pp;
    expect(server.globalGpus.length).toBe(size);
    for (const gpu of server.globalGpus) {
      expect(gpusTaken.has(gpu)).toBe(false);
      gpusTaken.add(gpu);
    }
    const nodesOfGpus = new Set(server.globalGpus.map((gpu) => Math.floor(gpu / gpusPerNode)));
    if (server.nodes) {
      expect(size % gpusPerNode).toBe(0);
      expect([...nodesOfGpus]).toEqual(server.nodes);
    } else {
      expect([...nodesOfGpus]).toEqual([server.node]);
      expect(server.gpus).toEqual(server.globalGpus.map((gpu) => gpu % gpusPerNode));
    }
    for (const placement of server.placements) {
      const { ports } = placement;
      for (const port of [ports.first, ports.last, ports.http, ports.dist, ports.internal.first, ports.internal.last]) {
        expect(port).toBeGreaterThanOrEqual(Math.max(1024, DEFAULT_TEST_POOL.first));
        expect(port).toBeLessThanOrEqual(Math.min(65535, DEFAULT_TEST_POOL.last));
        expect(port >= ports.first && port <= ports.last).toBe(true);
      }
      const blocks = portsByNode.get(placement.node) ?? [];
      blocks[placement.localIndex] = [ports.first, ports.last];
      portsByNode.set(placement.node, blocks);
    }
  }
  for (const entry of result.training) for (const gpu of entry.globalGpus) expect(gpusTaken.has(gpu)).toBe(false);
  for (const blocks of portsByNode.values()) {
    // Local indices run 0..n-1 with no hole, and blocks are disjoint.
    expect(blocks.every(Boolean)).toBe(true);
    const sorted = [...blocks].sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < sorted.length; index++) expect(sorted[index]![0]).toBeGreaterThan(sorted[index - 1]![1]);
  }
}

test("invariants hold across d 1..512, t 1..16, p 1..2, nodes 1..64, GPUs per node 1..16", () => {
  const random = seededRandom(652);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const counts = { planned: 0, refused: 0 };
  for (let round = 0; round < 6000; round++) {
    const t = pick([1, 2, 4, 8, 16]);
    const p = pick([1, 2]);
    const gpusPerNode = 1 + Math.floor(random() * 16);
    // Half the rounds keep d within what 64 nodes can hold, so most cases exercise a real plan.
    const fittingD = Math.max(1, Math.min(512, Math.floor((64 * gpusPerNode) / (t * p))));
    const d = 1 + Math.floor(random() * (random() < 0.5 ? fittingD : 512));
    const backend = pick(["vllm", "sglang"]);
    const trainers = random() < 0.5 ? 0 : 1 + Math.floor(random() * 16);
    const text = `${backend}:d${d}t${t}p${p}` + (trainers ? `+fsdp:d${trainers}` : "");
    const needed = d * t * p + trainers;
    // Half the rounds size the cluster to fit, so most cases exercise a real plan.
    const nodes = random() < 0.5 ? Math.min(64, Math.max(1, Math.ceil(needed / gpusPerNode))) : 1 + Math.floor(random() * 64);
    const result = plan(text, cluster(nodes, gpusPerNode));
    if (result.ok) {
      counts.planned++;
      checkInvariants(result.value, gpusPerNode);
      continue;
    }
    counts.refused++;
    const message = result.issues.map((issue) => issue.message).join("; ");
    const size = t * p;
    // Every refusal must be a true one.
    if (needed > nodes * gpusPerNode) expect(message).toContain(`needs ${needed} GPUs`);
    else if (size % gpusPerNode !== 0 && gpusPerNode % size !== 0) expect(message).toContain("would straddle nodes");
    else if (size > gpusPerNode && size % gpusPerNode === 0) expect(message).toContain("multi-node server must start on a node boundary");
    else expect(message).toContain("port blocks");
  }
  expect(counts.planned).toBeGreaterThan(1000);
  expect(counts.refused).toBeGreaterThan(100);
});
