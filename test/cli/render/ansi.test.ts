import { expect, test } from "bun:test";
import { stripColour, wantsColour } from "../../../src/cli/render/ansi.ts";

test("colour codes are stripped, text kept", () => {
  expect(stripColour("\x1b[4m\x1b[1mUSAGE\x1b[22m\x1b[24m \x1b[36mberth\x1b[39m")).toBe("USAGE berth");
  expect(stripColour("plain")).toBe("plain");
});

test.each([
  [true, {}, true],
  [true, { NO_COLOR: "1" }, false],
  [true, { NO_COLOR: "" }, true],
  [false, {}, false],
])("a terminal %p with %p wants colour: %p", (isTTY, env, expected) => {
  expect(wantsColour({ isTTY, env })).toBe(expected);
});
