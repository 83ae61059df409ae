import { describe, expect, test } from "bun:test";
import { blockAt, shiftBlock } from "../../../src/core/plan/port-block-layout.ts";
import { backendNamed, SPEC_ENGINES } from "../../../src/core/launch/backends/index.ts";

describe("shiftBlock", () => {
  test.each([...SPEC_ENGINES])("a moved %s block keeps every port's offset", (engine) => {
    const layout = backendNamed(engine).block!;
    const planned = blockAt(20_000, layout);
    expect(shiftBlock(planned, 31_000)).toEqual(blockAt(31_000, layout));
    expect(shiftBlock(planned, 20_000)).toEqual(planned);
  });
});
