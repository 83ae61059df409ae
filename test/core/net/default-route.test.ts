import { expect, test } from "bun:test";
import { defaultRouteInterface } from "../../../src/core/net/default-route.ts";

const HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";
const route = (...rows: string[]) => [HEADER, ...rows].join("\n");

test.each([
  ["the default route's interface, not the first listed", route("docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0", "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0"), "eth0"],
  ["the lowest metric of two defaults", route("wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0", "ens5\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0"), "ens5"],
  ["a default route that is down is skipped", route("eth1\t00000000\t0100000A\t0002\t0\t0\t0\t00000000\t0\t0\t0"), undefined],
  ["no default route", route("eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0"), undefined],
  ["an empty file", "", undefined],
])("%s", (_, text, expected) => {
  expect(defaultRouteInterface(text)).toBe(expected);
});
