// The struct layouts berth writes for bind(2), and the errno names libc calls return, checked byte by byte
// and against the kernel.
import { expect, test } from "bun:test";
import { bind, close, localAddress, setIpv6Only, tcpSocket } from "../../src/ffi/libc.ts";
import { AF_INET, AF_INET6, errnoName } from "../../src/ffi/linux-constants.ts";
import { anyIpv4, anyIpv6, portOf, SOCKADDR_IN6_SIZE, SOCKADDR_IN_SIZE } from "../../src/ffi/sockaddr.ts";
import { freePortWindow } from "../support/free-ports.ts";

test("sockaddr_in: family in host order, port in network order, 0.0.0.0, 16 bytes", () => {
  const bytes = anyIpv4(0x1234);
  expect(bytes.length).toBe(SOCKADDR_IN_SIZE);
  expect([...bytes]).toEqual([2, 0, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  expect(portOf(bytes)).toBe(0x1234);
});

test("sockaddr_in6: family, port, zero flowinfo, in6addr_any and scope id, 28 bytes", () => {
  const bytes = anyIpv6(10000);
  expect(bytes.length).toBe(SOCKADDR_IN6_SIZE);
  expect([...bytes.subarray(0, 4)]).toEqual([10, 0, 0x27, 0x10]);
  expect([...bytes.subarray(4)].every((byte) => byte === 0)).toBe(true);
  expect(portOf(bytes)).toBe(10000);
});

test("the kernel accepts both layouts, and a second plain bind fails with EADDRINUSE by name", () => {
  for (const [family, address] of [[AF_INET, anyIpv4(0)], [AF_INET6, anyIpv6(0)]] as const) {
    const socket = tcpSocket(family);
    if (!socket.ok) {
      expect(socket.name).toBe("EAFNOSUPPORT"); // a host without IPv6
      continue;
    }
    if (family === AF_INET6) setIpv6Only(socket.value);
    expect(bind(socket.value, address)).toEqual({ ok: true, value: 0 });
    close(socket.value);
  }
  const first = tcpSocket(AF_INET);
  const second = tcpSocket(AF_INET);
  if (!first.ok || !second.ok) throw new Error("no sockets");
  const port = freePortWindow(1).first;
  expect(bind(first.value, anyIpv4(port)).ok).toBe(true);
  expect(bind(second.value, anyIpv4(port))).toEqual({ ok: false, errno: 98, name: "EADDRINUSE" });
  close(first.value);
  close(second.value);
  expect(errnoName(40)).toBe("ELOOP");
  expect(errnoName(12345)).toBe("errno 12345");
});

test("getsockname gives back the very bytes berth wrote, and the port the kernel chose for port 0", () => {
  const port = freePortWindow(1).first;
  for (const [family, make] of [[AF_INET, anyIpv4], [AF_INET6, anyIpv6]] as const) {
    for (const wanted of [port, 0]) {
      const socket = tcpSocket(family);
      if (!socket.ok) continue; // a host without IPv6
      if (family === AF_INET6) setIpv6Only(socket.value);
      expect(bind(socket.value, make(wanted)).ok).toBe(true);
      const bound = localAddress(socket.value);
      close(socket.value);
      if (!bound.ok) throw new Error(bound.name);
      if (wanted !== 0) expect([...bound.value]).toEqual([...make(wanted)]);
      else {
        expect(bound.value.length).toBe(make(0).length);
        expect(portOf(bound.value)).toBeGreaterThan(0);
      }
    }
  }
  expect(localAddress(1_000_000)).toEqual({ ok: false, errno: 9, name: "EBADF" });
});
