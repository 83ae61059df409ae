// /proc/net/tcp and tcp6, parsed: the TCP states of the sockets using a local port. A port whose only
// sockets are TIME_WAIT (a server that just stopped) is free for a server that binds with SO_REUSEADDR.

export const TCP_TIME_WAIT = 6;
export const TCP_LISTEN = 10;

/** Every socket's state (the kernel's numbering), by local port, over one or more files (tcp and tcp6). */
export function tcpStatesByPort(...texts: string[]): Map<number, number[]> {
  const states = new Map<number, number[]>();
  for (const line of texts.flatMap((text) => text.split("\n").slice(1))) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    if (!local || !state) continue;
    const port = parseInt(local.slice(local.lastIndexOf(":") + 1), 16);
    const list = states.get(port) ?? [];
    list.push(parseInt(state, 16));
    states.set(port, list);
  }
  return states;
}

export function onlyTimeWait(states: readonly number[] | undefined): boolean {
  return states !== undefined && states.length > 0 && states.every((state) => state === TCP_TIME_WAIT);
}
