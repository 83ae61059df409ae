import { expect, test } from "bun:test";
import { helpWidth, renderHelp, wrapWords } from "../../../src/cli/render/help.ts";

test("words wrap greedily to the width, and a word longer than it stays whole", () => {
  expect(wrapWords("one two three four", 9)).toEqual(["one two", "three", "four"]);
  expect(wrapWords("a supercalifragilistic b", 5)).toEqual(["a", "supercalifragilistic", "b"]);
  expect(wrapWords("", 10)).toEqual([""]);
});

test("a word wider than the line breaks after '=', ',' or '/'", () => {
  expect(wrapWords("print AREAL_LLM_SERVER_ADDRS=host:port,host:port", 26)).toEqual(["print", "AREAL_LLM_SERVER_ADDRS=", "host:port,host:port"]);
});

test("[env BERTH_X] never breaks across lines", () => {
  const lines = wrapWords("Number of nodes in the job [env BERTH_NNODES]", 30);
  expect(lines).toContain("[env BERTH_NNODES]");
});

test("rows keep a term column, long terms put their text on the next line, and nothing passes the width", () => {
  const text = renderHelp(
    {
      summary: "Does things.",
      usage: "berth x [OPTIONS]",
      sections: [
        { title: "options", rows: [{ term: "--a N", text: "short" }, { term: "--a-very-long-flag-name LO-HI", text: "a description that goes on and on well past one line of forty" }] },
        { title: "examples", lines: ["berth x --with a very long command line that cannot fit in forty columns at all"] },
      ],
    },
    40,
  );
  const lines = text.split("\n");
  expect(lines).toContain("  --a N  short");
  expect(lines).toContain("  --a-very-long-flag-name LO-HI");
  expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(40);
  expect(text).toContain(" \\\n      "); // the long example goes on after a shell continuation
  expect(lines[0]).toBe("Does things.");
});

test("headings are bold only when asked (a terminal that wants colour)", () => {
  const model = { summary: "s", usage: "berth x", sections: [{ title: "examples", lines: ["berth x"] }] };
  expect(renderHelp(model, 80)).not.toContain("\x1b[");
  expect(renderHelp(model, 80, true)).toContain("\x1b[1mEXAMPLES\x1b[22m");
});

test("the width is $COLUMNS, else the terminal's, else 80, and never under 40", () => {
  expect(helpWidth("120", 90)).toBe(120);
  expect(helpWidth(undefined, 90)).toBe(90);
  expect(helpWidth(undefined, undefined)).toBe(80);
  expect(helpWidth("wide", undefined)).toBe(80);
  expect(helpWidth("10", undefined)).toBe(40);
});
