// GPUs chosen like ports: the planned ones where usable, else the lowest free, a group kept on one NUMA node.
import { describe, expect, test } from "bun:test";
import { chooseServerGpus, describeGpuMoves, type GpuCandidate } from "../../../src/core/launch/gpu-choice.ts";

/** An 8-GPU node, GPUs 0-3 on NUMA node 0 and 4-7 on node 1; `unusable` by index. */
function node(unusable: Record<number, string> = {}, count = 8): GpuCandidate[] {
  return Array.from({ length: count }, (_, index) => ({ index, uuid: `GPU-${index}`, numa: index < count / 2 ? 0 : 1, ...(unusable[index] ? { unusable: unusable[index] } : {}) }));
}

const indices = (choice: ReturnType<typeof chooseServerGpus>) => (choice.ok ? choice.gpus.map((gpu) => gpu.index) : choice.message);
const planned = (gpus: GpuCandidate[], ...wanted: number[]) => wanted.map((index) => gpus[index]!);

describe("chooseServerGpus", () => {
  test("planned GPUs that are free are kept, with no move", () => {
    const gpus = node();
    expect(chooseServerGpus(0, planned(gpus, 0, 1), gpus, new Set())).toEqual({ ok: true, gpus: planned(gpus, 0, 1), moves: [] });
  });

  test("a held GPU is replaced by the lowest free one that no other server of the launch has", () => {
    const gpus = node({ 0: "held by pid 4242 (run vllm:d1)" });
    const choice = chooseServerGpus(0, planned(gpus, 0), gpus, new Set(["GPU-1"]));
    expect(indices(choice)).toEqual([2]);
    expect(choice.ok && describeGpuMoves(0, choice.moves)).toEqual(["server 0 uses GPU 2 instead of GPU 0, held by pid 4242 (run vllm:d1)"]);
  });

  test("a TP group keeps to the NUMA node of the GPUs it keeps", () => {
    const gpus = node({ 1: "is busy", 2: "is busy" });
    expect(indices(chooseServerGpus(0, planned(gpus, 0, 1), gpus, new Set()))).toEqual([0, 3]);
  });

  test("when its NUMA node is full, the whole group moves to one that has room", () => {
    const gpus = node({ 1: "held", 2: "held", 3: "held" });
    expect(indices(chooseServerGpus(0, planned(gpus, 0, 1), gpus, new Set()))).toEqual([4, 5]);
  });

  test("with no NUMA node that fits the group, the lowest free GPUs anywhere", () => {
    const gpus = node({ 1: "held", 2: "held", 3: "held", 5: "held", 6: "held", 7: "held" });
    expect(indices(chooseServerGpus(0, planned(gpus, 0, 1), gpus, new Set()))).toEqual([0, 4]);
  });

  test("busy and MIG apply only to the GPUs a server would use", () => {
    const gpus = node({ 2: "is busy: in use by 1 process (pid 9)", 3: "has MIG enabled" }, 4);
    expect(indices(chooseServerGpus(0, planned(gpus, 0, 1), gpus, new Set()))).toEqual([0, 1]);
  });

  test("too few free GPUs: refused, naming what holds the others", () => {
    const gpus = node({ 0: "held by pid 4242 (run vllm:d1)", 2: "is busy: in use by 1 process (pid 9)", 3: "has MIG enabled" }, 4);
    const choice = chooseServerGpus(1, planned(gpus, 0), gpus, new Set(["GPU-1"]));
    expect(choice).toEqual({ ok: false, message: "server 1 needs 1 GPU(s), but only 0 of this node's 4 GPUs are free for it (1 usable, the rest of them this launch's other servers'): GPU 0 held by pid 4242 (run vllm:d1); GPU 2 is busy: in use by 1 process (pid 9); GPU 3 has MIG enabled" });
  });
});
