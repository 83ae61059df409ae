// The kernel's sock_diag answer must agree with /proc/net/tcp (the fallback) on every listening socket, and
// must leave out sockets that do not listen.
import { bind, close, unixSocket } from "../../src/ffi/libc.ts";
import { abstractUnixAddress } from "../../src/ffi/unix-address.ts";
import { guardsInProcNetUnix } from "../../src/core/registry/kernel-guard-names.ts";
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { listeningInodesByPort } from "../../src/core/ports/listening-sockets.ts";
import { abstractUnixSockets, listeningSockets } from "../../src/ffi/sock-diag.ts";

const procNetTcp = () => [readFileSync("/proc/net/tcp", "utf8"), readFileSync("/proc/net/tcp6", "utf8")];
const listen = (host: string) => new Promise<Server>((resolve) => { const server = createServer(); server.listen(0, host, () => resolve(server)); });
const portOf = (server: Server) => (server.address() as { port: number }).port;

test("netlink and /proc/net/tcp name the same inodes for listening sockets, IPv4 and IPv6 alike", async () => {
  const servers = [await listen("127.0.0.1"), await listen("::1").catch(() => undefined)].filter((server) => server !== undefined);
  try {
    const fromNetlink = listeningSockets();
    expect(fromNetlink).toBeDefined();
    const fromProc = listeningInodesByPort(...procNetTcp());
    for (const server of servers) {
      const port = portOf(server);
      expect(fromNetlink!.get(port)).toHaveLength(1);
      expect(fromNetlink!.get(port)).toEqual(fromProc.get(port)!);
    }
  } finally {
    servers.forEach((server) => server.close());
  }
});

test("a connected socket's local port is not a listener", async () => {
  const server = await listen("127.0.0.1");
  const client = connect(portOf(server), "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  try {
    const listening = listeningSockets()!;
    expect(listening.has(client.localPort!)).toBe(false);
    expect(listening.has(portOf(server))).toBe(true);
  } finally {
    client.destroy();
    server.close();
  }
});

test("every socket's state by port agrees with /proc/net/tcp: listening, connected and TIME_WAIT", async () => {
  const { tcpStates } = await import("../../src/ffi/sock-diag.ts");
  const { tcpStatesByPort } = await import("../../src/core/ports/proc-net-tcp.ts");
  const server = await listen("127.0.0.1");
  const client = connect(portOf(server), "127.0.0.1");
  await new Promise((resolve) => client.once("connect", resolve));
  const closing = connect(portOf(server), "127.0.0.1");
  await new Promise((resolve) => closing.once("connect", resolve));
  const closed = closing.localPort!;
  closing.destroy(); // the side that closes first keeps a TIME_WAIT socket
  await Bun.sleep(50);
  try {
    const fromNetlink = tcpStates()!;
    const fromProc = tcpStatesByPort(...procNetTcp());
    for (const port of [portOf(server), client.localPort!, closed]) expect([port, (fromNetlink.get(port) ?? []).sort()]).toEqual([port, (fromProc.get(port) ?? []).sort()]);
    expect(fromNetlink.get(closed)).toContain(6); // TCP_TIME_WAIT
  } finally {
    client.destroy();
    server.close();
  }
});

test("abstract unix sockets: netlink and /proc/net/unix name the same ones, by the same inodes; others are left out", async () => {
  const prefix = `berth-test-${process.pid}/`;
  // A listener under the prefix, and the connection it accepts (which bears its name): neither is a guard.
  const listener = createServer((accepted) => accepted.on("error", () => {}));
  await new Promise<void>((resolve) => listener.listen(`\0${prefix}port/listening`, resolve));
  const client = connect(`\0${prefix}port/listening`);
  await new Promise((resolve) => client.once("connect", resolve));
  const sockets = ["port/1", "port/2", "gpu/GPU-x"].map((name) => {
    const socket = unixSocket();
    if (!socket.ok) throw new Error("no unix socket");
    expect(bind(socket.value, abstractUnixAddress(`${prefix}${name}`)).ok).toBe(true);
    return socket.value;
  });
  const other = unixSocket();
  if (other.ok) bind(other.value, abstractUnixAddress(`not-${prefix}port/3`));
  try {
    const fromNetlink = abstractUnixSockets(prefix)!;
    // Only this test's lines, renamed as guards: a berth running on the host meanwhile has guards of its own.
    const ours = readFileSync("/proc/net/unix", "utf8").split("\n").filter((line) => line.includes(` @${prefix}`)).join("\n");
    const fromProc = new Map([...guardsInProcNetUnix(ours.replaceAll(` @${prefix}`, ` @berth/`))].map(([name, inode]) => [name.replace(/^berth\//, prefix), inode]));
    expect([...fromNetlink.keys()].sort()).toEqual([`${prefix}gpu/GPU-x`, `${prefix}port/1`, `${prefix}port/2`]);
    expect(fromNetlink).toEqual(fromProc);
  } finally {
    for (const socket of [...sockets, ...(other.ok ? [other.value] : [])]) close(socket);
    client.destroy();
    listener.close();
  }
});
