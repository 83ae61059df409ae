// Which interface carries the default route, from /proc/net/route: the address other nodes reach this one
// on is that interface's, not whichever comes first in interface order (docker0 often does).

const RTF_UP = 0x1;

/** The interface of the lowest-metric default route that is up, or undefined when there is none. */
export function defaultRouteInterface(procNetRoute: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of procNetRoute.split("\n").slice(1)) {
    const [iface, destination, , flags, , , metric, mask] = line.trim().split(/\s+/);
    if (!iface || destination !== "00000000" || mask !== "00000000") continue;
    if ((Number.parseInt(flags ?? "0", 16) & RTF_UP) === 0) continue;
    const rank = Number(metric);
    if (!best || rank < best.metric) best = { iface, metric: rank };
  }
  return best?.iface;
}
