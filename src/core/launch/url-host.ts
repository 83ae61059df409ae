// How a server's host appears in a URL, and where berth itself reaches a server for health checks.

/** "[::1]" in URLs, plain otherwise. */
export function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Servers bound to a wildcard are reached on loopback for health checks. */
export function reachableHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}
