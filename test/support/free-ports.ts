// Test ports chosen at run time: a window of W contiguous ports that nothing on this host uses right now.
// Fixed ports collided with whatever else the host runs (a slurmd on 17001-17003 failed the exit-code matrix).
import { readFileSync } from "node:fs";

export interface PortWindow {
  first: number;
  last: number;
  /** "first-last", the form --port-pool takes. */
  pool: string;
}

/** Below the kernel's ephemeral range, where outgoing connections (health checks included) never land. */
const LOWEST = 10_000;
const handedOut: PortWindow[] = [];
/** Windows still counted as in use after the cursor wraps: the tests running now, not the long finished. */
const KEPT_ON_WRAP = 16;
/** Where the next window starts: a random place per test process, then onwards, so windows do not fragment the range. */
let cursor: number | undefined;

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function ephemeralLow(): number {
  const low = Number(readText("/proc/sys/net/ipv4/ip_local_port_range").trim().split(/\s+/)[0]);
  return Number.isInteger(low) && low > LOWEST ? low : 32_768;
}

/** ip_local_reserved_ports: berth skips these, so a window holding one would change the layout under test. */
function reservedPorts(): Set<number> {
  const ports = new Set<number>();
  for (const item of readText("/proc/sys/net/ipv4/ip_local_reserved_ports").trim().split(",").filter(Boolean)) {
    const [first, last = first] = item.split("-").map(Number);
    for (let port = first!; port <= last!; port++) ports.add(port);
  }
  return ports;
}

/** Every local TCP port with a socket in any state (TIME_WAIT and connections included). */
function portsInUse(): Set<number> {
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"]) {
    for (const line of readText(file).split("\n").slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local) ports.add(parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
    }
  }
  return ports;
}

/**
 * Ports some berth has reserved on this host: their kernel guards (@berth/port/N in /proc/net/unix) stay
 * taken while the port itself may be unbound (between the hold's release and the server's bind).
 */
function guardedPorts(): Set<number> {
  const ports = new Set<number>();
  for (const match of readText("/proc/net/unix").matchAll(/@berth\/port\/(\d+)$/gm)) ports.add(Number(match[1]));
  return ports;
}

function bindSucceeds(port: number): boolean {
  try {
    const listener = Bun.listen({ hostname: "0.0.0.0", port, socket: { data() {} } });
    listener.stop(true);
    return true;
  } catch {
    return false;
  }
}

function overlapsHandedOut(first: number, last: number): boolean {
  return handedOut.some((window) => window.first <= last && window.last >= first);
}

/**
 * A window of `width` ports, free by /proc/net and by a real bind, away from reserved ports and from the
 * windows this test process handed out lately. Windows follow each other from a random start (so two test
 * runs at once rarely meet, and a whole suite's windows do not fragment the range); past the top the cursor
 * wraps, forgetting all but the latest windows.
 */
export function freePortWindow(width: number): PortWindow {
  const top = ephemeralLow() - 1;
  const span = top - LOWEST + 1 - width;
  if (span <= 0) throw new Error(`no room for ${width} test ports between ${LOWEST} and ${top}`);
  const reserved = reservedPorts();
  const inUse = portsInUse();
  for (const port of guardedPorts()) inUse.add(port);
  cursor ??= LOWEST + Math.floor(Math.random() * span);
  for (let tried = 0; tried <= span; tried += 7) {
    if (cursor + width - 1 > top) {
      cursor = LOWEST;
      handedOut.splice(0, Math.max(0, handedOut.length - KEPT_ON_WRAP));
    }
    const first = cursor;
    const last = first + width - 1;
    cursor += 7;
    if (overlapsHandedOut(first, last)) continue;
    let clear = true;
    for (let port = first; port <= last && clear; port++) clear = !reserved.has(port) && !inUse.has(port);
    for (let port = first; port <= last && clear; port++) clear = bindSucceeds(port);
    if (!clear) continue;
    const window = { first, last, pool: `${first}-${last}` };
    handedOut.push(window);
    cursor = last + 1;
    return window;
  }
  throw new Error(`no window of ${width} free ports between ${LOWEST} and ${top}`);
}

/** The i-th block of `width` ports inside a window (for tests that cut one window into many pools). */
export function blockOf(window: PortWindow, index: number, width: number): string {
  const first = window.first + index * width;
  if (first + width - 1 > window.last) throw new Error(`block ${index} of ${width} ports does not fit ${window.pool}`);
  return `${first}-${first + width - 1}`;
}
