import { expect, test } from "bun:test";
import { NVML_DRIVER_DIRECTORIES, nvmlLibraryCandidates, nvmlPathsFromLdCache } from "../../../src/core/gpu/nvml-library-search.ts";
import { describeNvmlReturn, nvmlReturnName } from "../../../src/core/gpu/nvml-return.ts";
import { parseNumaNode, sysfsPciAddress } from "../../../src/core/gpu/pci.ts";

const CACHE = "glibc-ld.so.cache1.1\u0001\u0002libc.so.6\0/lib/x86_64-linux-gnu/libc.so.6\0libnvidia-ml.so.1\0/usr/lib/i386-linux-gnu/libnvidia-ml.so.1\0libnvidia-ml.so.1\0/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1\0";

test("the ldconfig cache names NVML's paths, 64-bit first", () => {
  expect(nvmlPathsFromLdCache(CACHE)).toEqual(["/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "/usr/lib/i386-linux-gnu/libnvidia-ml.so.1"]);
  expect(nvmlPathsFromLdCache("")).toEqual([]);
});

test("BERTH_NVML_LIBRARY wins and must be absolute", () => {
  expect(nvmlLibraryCandidates("/opt/nvml/libnvidia-ml.so.1", CACHE)).toEqual({ kind: "override", path: "/opt/nvml/libnvidia-ml.so.1" });
  expect(nvmlLibraryCandidates("libnvidia-ml.so.1", CACHE)).toMatchObject({ kind: "bad-override", value: "libnvidia-ml.so.1" });
  expect(nvmlLibraryCandidates("./lib/libnvidia-ml.so.1", undefined).kind).toBe("bad-override");
});

test("without an override: the cache, then the driver directories, never a bare name", () => {
  const choice = nvmlLibraryCandidates(undefined, CACHE);
  if (choice.kind !== "candidates") throw new Error("expected candidates");
  expect(choice.paths[0]).toBe("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1");
  expect(choice.paths.filter((path) => path === "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1")).toHaveLength(1);
  expect(choice.paths).toHaveLength(NVML_DRIVER_DIRECTORIES.length + 1);
  expect(choice.paths.every((path) => path.startsWith("/"))).toBe(true);
});

test("return codes keep their names without a library", () => {
  expect(nvmlReturnName(9)).toBe("NVML_ERROR_DRIVER_NOT_LOADED");
  expect(nvmlReturnName(4)).toBe("NVML_ERROR_NO_PERMISSION");
  expect(nvmlReturnName(12345)).toBe("NVML_ERROR_12345");
  expect(describeNvmlReturn(9)).toBe("NVIDIA driver not loaded (NVML error 9)");
});

test.each([
  ["00000000:18:00.0", "0000:18:00.0"],
  ["0000:AF:00.1", "0000:af:00.1"],
  ["00000001:3b:1f.7", "0001:3b:1f.7"],
  ["garbage", undefined],
])("NVML bus id %p → sysfs %p", (busId, expected) => {
  expect(sysfsPciAddress(busId)).toBe(expected);
});

test("sysfs numa_node", () => {
  expect(parseNumaNode("1\n")).toBe(1);
  expect(parseNumaNode("-1\n")).toBeNull();
  expect(parseNumaNode(undefined)).toBeNull();
});
