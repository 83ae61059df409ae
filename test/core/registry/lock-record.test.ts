// Lock records are padded to whole units so the next holder can write over the last one in place.
import { expect, test } from "bun:test";
import { encodeLockRecord, LOCK_RECORD_UNIT, type LockRecord } from "../../../src/core/registry/registry-layout.ts";

const BASE: LockRecord = { pid: 4242, startTicks: 123456, startedAt: "2026-11-30T02:00:00.000Z", role: "ports", command: "berth ports -n 64 -- true" };

test.each([
  ["a short command", "true"],
  ["a command of exactly one unit's worth", "x".repeat(LOCK_RECORD_UNIT - 100)],
  ["a long command", `python -m vllm.entrypoints.openai.api_server ${"--flag value ".repeat(60)}`],
  ["non-ASCII text", "sérvér — 模型 🚀"],
])("%s: whole units, a trailing newline, and the record back from JSON.parse", (_label, command) => {
  const record = { ...BASE, command };
  const bytes = encodeLockRecord(record);
  expect(bytes.length % LOCK_RECORD_UNIT).toBe(0);
  expect(bytes.at(-1)).toBe(0x0a);
  const text = new TextDecoder().decode(bytes);
  expect(JSON.parse(text)).toEqual(record);
  // No more than one unit of padding: the JSON plus its newline decide the size.
  expect(bytes.length - new TextEncoder().encode(JSON.stringify(record)).length).toBeLessThanOrEqual(LOCK_RECORD_UNIT);
});
