// The live table only where it fits: on a 50×10 terminal 16 servers are said in plain lines, never redrawn
// over a screen they do not fit (which left dozens of stale copies behind).
import { expect, test } from "bun:test";
import { memoryIo } from "../../../src/cli/io.ts";
import { createRunView, tableFits } from "../../../src/cli/render/run-view.ts";

function servers(count: number) {
  return Array.from({ length: count }, (_, index) => ({
    label: `s${index}`, gpus: [{ index, uuid: `GPU-${index}` }], placement: { ports: { first: 10000 + index * 16, last: 10015 + index * 16 }, localIndex: index },
    state: "starting", restarts: 0, pid: 100 + index, startedAt: Date.now(), endedAt: null, launch: { url: `http://127.0.0.1:${10000 + index * 16}` }, server: { index },
  })) as never[];
}

test("16 servers do not fit 50×10; 2 fit 120×40", () => {
  expect(tableFits(servers(16), { rows: 10, columns: 50 })).toBe(false);
  expect(tableFits(servers(2), { rows: 40, columns: 120 })).toBe(true);
});

test("where it does not fit, a terminal gets plain lines and no cursor movement", () => {
  const io = Object.assign(memoryIo({}, true), { rows: 10, columns: 50 });
  const list = servers(16);
  const view = createRunView(io, "tty", list, false);
  for (const server of list) view.state(server, undefined);
  view.close();
  expect(io.err).not.toContain("\x1b[");
  expect(io.err.split("\n").filter(Boolean)).toHaveLength(16);
  expect(io.err.startsWith("berth: s0 starting (pid 100)\n")).toBe(true);
});
