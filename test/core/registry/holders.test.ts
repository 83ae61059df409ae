import { expect, test } from "bun:test";
import { groupByHolder, sortedByKindAndId, type HeldLock } from "../../../src/core/registry/holders.ts";

const lock = (pid: number, kind: "port" | "gpu", id: string | number, extra: Partial<HeldLock> = {}): HeldLock => ({ pid, kind, id: String(id), startTicks: 1, startedAt: "t", role: `role ${pid}`, command: `cmd ${pid}`, ...extra });

test("each holder once, ports as ranges in order, GPUs listed, expiresAt kept", () => {
  const locks = [lock(2, "gpu", "GPU-a"), lock(1, "port", 10), lock(1, "port", 11), lock(2, "port", 12, { expiresAt: "later" }), lock(1, "port", 13), lock(1, "port", 14), lock(1, "port", 20)];
  expect(groupByHolder(locks)).toEqual([
    { pid: 2, startTicks: 1, role: "role 2", command: "cmd 2", startedAt: "t", ports: [{ first: 12, last: 12 }], portCount: 1, gpus: ["GPU-a"] },
    { pid: 1, startTicks: 1, role: "role 1", command: "cmd 1", startedAt: "t", ports: [{ first: 10, last: 11 }, { first: 13, last: 14 }, { first: 20, last: 20 }], portCount: 5, gpus: [] },
  ]);
});

test("1,000 ports of one holder are one range", () => {
  const locks = Array.from({ length: 1000 }, (_, index) => lock(7, "port", 20_000 + index));
  expect(groupByHolder(locks)).toEqual([expect.objectContaining({ pid: 7, ports: [{ first: 20_000, last: 20_999 }], portCount: 1000 })]);
});

test("two containers' berths, both pid 1, are two holders, each with where it runs", () => {
  const a = { host: "997b3ab367aa", pidNamespace: "pid:[4026532001]", startTicks: 5 };
  const b = { host: "1c2d3e4f5a6b", pidNamespace: "pid:[4026532002]", startTicks: 5 };
  const locks = [lock(1, "port", 100, a), lock(1, "port", 101, a), lock(1, "port", 116, { ...b, seenAsPid: 4242 })];
  expect(groupByHolder(locks)).toEqual([
    expect.objectContaining({ pid: 1, host: "997b3ab367aa", pidNamespace: "pid:[4026532001]", ports: [{ first: 100, last: 101 }] }),
    expect.objectContaining({ pid: 1, host: "1c2d3e4f5a6b", seenAsPid: 4242, ports: [{ first: 116, last: 116 }] }),
  ]);
});

test("reservations are listed GPUs first by UUID, then ports in numeric order (not as text), duplicates kept", () => {
  const locks = [["port", "10"], ["gpu", "GPU-b"], ["port", "9"], ["port", "65535"], ["gpu", "GPU-a"], ["port", "1"], ["port", "100"], ["port", "9"]].map(([kind, id], place) => ({ kind: kind!, id: id!, place }));
  expect(sortedByKindAndId(locks).map(({ kind, id }) => `${kind} ${id}`)).toEqual(["gpu GPU-a", "gpu GPU-b", "port 1", "port 9", "port 9", "port 10", "port 100", "port 65535"]);
  expect(sortedByKindAndId(locks).filter(({ id }) => id === "9").map(({ place }) => place)).toEqual([2, 7]); // stable
  expect(sortedByKindAndId([])).toEqual([]);
});
