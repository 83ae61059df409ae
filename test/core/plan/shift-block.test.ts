import { describe, expect, test } from "bun:test";
import { BLOCK_LAYOUTS, blockAt, shiftBlock } from "../../../src/core/plan/port-block-layout.ts";

describe("shiftBlock", () => {
  test.each(["vllm", "sglang"] as const)("a moved %s block keeps every port's offset", (backend) => {
    const planned = blockAt(20_000, BLOCK_LAYOUTS[backend]);
    expect(shiftBlock(planned, 31_000)).toEqual(blockAt(31_000, BLOCK_LAYOUTS[backend]));
    expect(shiftBlock(planned, 20_000)).toEqual(planned);
  });
});
