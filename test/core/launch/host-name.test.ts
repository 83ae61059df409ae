import { expect, test } from "bun:test";
import { checkHostName, isWildcardAddress } from "../../../src/core/launch/host-name.ts";

test.each([
  ["127.0.0.1", "127.0.0.1"],
  ["10.1.2.3", "10.1.2.3"],
  ["::1", "::1"],
  ["[::1]", "::1"],
  ["fe80::1:2", "fe80::1:2"],
  ["2001:db8:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:1"],
  ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
  ["gpu-node07", "gpu-node07"],
  ["gpu07.cluster.example.org.", "gpu07.cluster.example.org."],
  ["localhost", "localhost"],
])("%p is accepted", (text, expected) => {
  expect(checkHostName(text)).toBe(expected);
});

test.each(["", "256.1.1.1", "1.2.3", "http://host", "host:8000", "under_score", "-lead", "a..b", "1:2:3:4:5:6:7:8:9", "::1::", "[gpu07]", "space host", "x".repeat(64)])("%p is refused", (text) => {
  expect(checkHostName(text)).toBeUndefined();
});

test.each([["0.0.0.0", true], ["::", true], ["0:0:0:0:0:0:0:0", true], ["127.0.0.1", false], ["::1", false]])("wildcard %p: %p", (address, expected) => {
  expect(isWildcardAddress(address as string)).toBe(expected as boolean);
});
