import { describe, expect, test } from "bun:test";
import { visibleGpus, type VisibilityEnvironment } from "../../src/core/visible.ts";

const GPUS = [0, 1, 2, 3].map((index) => ({ index, uuid: `GPU-${index}${index}aa${index}bbb-cccc-dddd-eeee-ffff0000000${index}` }));
const PCI = { CUDA_DEVICE_ORDER: "PCI_BUS_ID" };

function visible(environment: VisibilityEnvironment): number[] {
  return visibleGpus(GPUS, environment).gpus.map((gpu) => gpu.index);
}

describe("CUDA_VISIBLE_DEVICES", () => {
  test.each([
    ["unset", undefined, [0, 1, 2, 3]],
    ["empty means none", "", []],
    ["indices keep their order", "3,1", [3, 1]],
    ["spaces around entries", " 2 , 0 ", [2, 0]],
    ["full UUIDs", `${GPUS[2]!.uuid},${GPUS[0]!.uuid}`, [2, 0]],
    ["UUID prefixes", "GPU-33,GPU-11", [3, 1]],
    ["UUIDs ignore case", "gpu-22AA".replace("gpu", "GPU"), [2]],
    ["stops at the first invalid entry", "1,x,2", [1]],
    ["stops at an index that does not exist", "0,7,1", [0]],
    ["a negative index is invalid", "-1,0", []],
    ["a duplicate empties the list", "0,1,0", []],
    ["a duplicate by UUID empties the list", `GPU-00,${GPUS[0]!.uuid}`, []],
    ["indices then UUIDs stop at the switch", "1,GPU-22", [1]],
    ["UUIDs then indices stop at the switch", "GPU-22,1", [2]],
    ["a prefix matching several GPUs is invalid", "GPU-", []],
    ["a MIG device is noted and ends the list", "MIG-0f3b9c44-a1b2-5c6d-8e9f-001122334455,0", []],
    ["an index after a UUID list's MIG entry", "GPU-33,MIG-abc", [3]],
  ])("%s: %p", (_, value, expected) => {
    expect(visible({ ...PCI, CUDA_VISIBLE_DEVICES: value })).toEqual(expected);
  });

  test("invalid entries explain themselves in a warning", () => {
    const result = visibleGpus(GPUS, { ...PCI, CUDA_VISIBLE_DEVICES: "1,x,2" });
    expect(result.warnings).toEqual(["CUDA_VISIBLE_DEVICES=1,x,2: 'x' is not an index, a GPU- UUID or a MIG- UUID; as CUDA does, the entries from there on are ignored"]);
    expect(result.source).toBe("CUDA_VISIBLE_DEVICES");
  });
});

describe("CUDA_DEVICE_ORDER", () => {
  test("indices without it warn once and are read in PCI order", () => {
    const result = visibleGpus(GPUS, { CUDA_VISIBLE_DEVICES: "1,0" });
    expect(result.gpus.map((gpu) => gpu.index)).toEqual([1, 0]);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain("CUDA_DEVICE_ORDER is unset; berth reads CUDA_VISIBLE_DEVICES indices in PCI bus order");
  });

  test("FASTEST_FIRST is named in the warning", () => {
    expect(visibleGpus(GPUS, { CUDA_VISIBLE_DEVICES: "0", CUDA_DEVICE_ORDER: "FASTEST_FIRST" }).warnings[0]).toContain("CUDA_DEVICE_ORDER=FASTEST_FIRST");
  });

  test("UUIDs need no order and warn nothing", () => {
    expect(visibleGpus(GPUS, { CUDA_VISIBLE_DEVICES: "GPU-11" }).warnings).toEqual([]);
  });
});

describe("NVIDIA_VISIBLE_DEVICES", () => {
  test.each([
    ["all", [0, 1, 2, 3]],
    ["none", []],
    ["void", []],
    ["", [0, 1, 2, 3]],
    [`${GPUS[3]!.uuid},${GPUS[1]!.uuid}`, [3, 1]],
    ["0,1,2,3", [0, 1, 2, 3]],
  ])("%p", (value, expected) => {
    expect(visible({ NVIDIA_VISIBLE_DEVICES: value })).toEqual(expected);
  });

  test("host indices are taken as already applied by the container runtime, with a warning when NVML disagrees", () => {
    const result = visibleGpus(GPUS, { NVIDIA_VISIBLE_DEVICES: "4,5" });
    expect(result.gpus).toHaveLength(4);
    expect(result.warnings[0]).toContain("names 2 GPUs but NVML lists 4");
  });

  test("CUDA_VISIBLE_DEVICES applies after it", () => {
    expect(visible({ ...PCI, NVIDIA_VISIBLE_DEVICES: "none", CUDA_VISIBLE_DEVICES: "0" })).toEqual([]);
    expect(visible({ ...PCI, NVIDIA_VISIBLE_DEVICES: "all", CUDA_VISIBLE_DEVICES: "2" })).toEqual([2]);
  });
});
