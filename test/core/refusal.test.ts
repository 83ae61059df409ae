// One refusal-kind rule for every command: the user's own numbers clashing is bad input; the host's, the environment.
import { expect, test } from "bun:test";
import { doesNotFitKind } from "../../src/core/refusal.ts";

const gpuIssue = { code: "plan.too-many-gpus" as const, message: "" };
const poolIssue = { code: "plan.pool-too-small" as const, message: "" };

test.each([
  ["too few GPUs, --gpus-per-node given", [gpuIssue], { gpusFromHost: false, poolFromHost: true }, "bad-input"],
  ["too few GPUs, counted by NVML", [gpuIssue], { gpusFromHost: true, poolFromHost: false }, "environment"],
  ["pool too small, --port-pool given", [poolIssue], { gpusFromHost: true, poolFromHost: false }, "bad-input"],
  ["pool too small, the kernel's default", [poolIssue], { gpusFromHost: false, poolFromHost: true }, "environment"],
  ["both, one of them the host's", [gpuIssue, poolIssue], { gpusFromHost: false, poolFromHost: true }, "environment"],
] as const)("%s", (_, issues, sources, expected) => {
  expect(doesNotFitKind(issues, sources)).toBe(expected);
});
