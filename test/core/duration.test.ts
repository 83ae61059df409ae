import { expect, test } from "bun:test";
import { formatDuration, parseDuration } from "../../src/core/duration.ts";

test.each([
  ["500ms", 500],
  ["3s", 3000],
  ["2m", 120_000],
  ["1h", 3_600_000],
  ["10", 10_000],
  ["1.5", 1500],
  [" 2 s ", 2000],
  ["0", 0],
  ["", undefined],
  ["-1s", undefined],
  ["3 minutes", undefined],
  ["1e3", undefined],
  ["s", undefined],
])("%p", (text, expected) => {
  expect(parseDuration(text)).toBe(expected);
});

test.each([
  [1_200_000, "20m"],
  [10_000, "10s"],
  [3_600_000, "1h"],
  [1500, "1500ms"],
  [0, "0ms"],
])("formatDuration(%p) = %p and parses back", (milliseconds, text) => {
  expect(formatDuration(milliseconds)).toBe(text);
  expect(parseDuration(text)).toBe(milliseconds);
});
