import { expect, test } from "bun:test";
import { countFreeInPool, defaultPortPool, parseEphemeralRange, parseReservedPorts } from "../../../src/core/ports/kernel-port-settings.ts";

test.each([
  ["32768\t60999\n", { first: 32768, last: 60999 }],
  ["  1024 65535 ", { first: 1024, last: 65535 }],
  ["60999 32768", undefined],
  ["32768", undefined],
  ["a b", undefined],
  ["0 100", undefined],
])("ip_local_port_range %p", (text, expected) => {
  expect(parseEphemeralRange(text)).toEqual(expected);
});

test.each([
  ["", []],
  ["\n", []],
  ["8080", [{ first: 8080, last: 8080 }]],
  ["9000-9010,8080\n", [{ first: 8080, last: 8080 }, { first: 9000, last: 9010 }]],
  ["10-5,70000,abc,22", [{ first: 22, last: 22 }]],
])("ip_local_reserved_ports %p", (text, expected) => {
  expect(parseReservedPorts(text)).toEqual(expected);
});

test("the default pool runs from 10000 to one below the ephemeral low end", () => {
  expect(defaultPortPool(32768)).toEqual({ first: 10000, last: 32767 });
});

test("free ports in a pool subtract only the reserved ports inside it", () => {
  expect(countFreeInPool({ first: 100, last: 199 }, [{ first: 50, last: 104 }, { first: 150, last: 150 }, { first: 300, last: 400 }])).toBe(94);
});
