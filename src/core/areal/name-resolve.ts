// AReaL's name_resolve, exactly as AReaL's trainer reads it, so an unmodified trainer finds berth's servers:
// key <user>/<experiment>/<trial>/gen_servers/<8 hex>, value host:port (no scheme, IPv6 bracketed). On nfs
// it is <root>/<key>/ENTRY; on etcd3 the key itself, without a leading slash.
import { hostForUrl } from "../launch/url-host.ts";

export type NameResolveTarget = { kind: "nfs"; root: string } | { kind: "etcd3"; endpoint: string };

const ACCEPTED = "nfs:ROOT (an absolute directory every node shares) or etcd3:HOST:PORT";

export function parseNameResolve(text: string, origin: string): { ok: true; target: NameResolveTarget } | { ok: false; message: string } {
  const bad = (why: string) => ({ ok: false as const, message: `bad value ${JSON.stringify(text)} for ${origin}: ${why}; expected ${ACCEPTED}` });
  if (text.startsWith("nfs:")) {
    const root = text.slice(4);
    return root.startsWith("/") ? { ok: true, target: { kind: "nfs", root: root.replace(/\/+$/, "") } } : bad("the root must be an absolute path");
  }
  if (text.startsWith("etcd3:")) {
    const match = /^etcd3:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
    return match ? { ok: true, target: { kind: "etcd3", endpoint: `http://${match[1]}:${Number(match[2])}` } } : bad("etcd3 takes HOST:PORT");
  }
  return bad("unknown kind (AReaL's Ray backend cannot be written from outside; give the trainer AREAL_LLM_SERVER_ADDRS instead)");
}

/** Like Python's getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password database. */
export function arealUser(env: Record<string, string | undefined>, passwd: string, uid: number): string | undefined {
  for (const name of ["LOGNAME", "USER", "LNAME", "USERNAME"]) if (env[name]) return env[name];
  for (const line of passwd.split("\n")) {
    const [user, , id] = line.split(":");
    if (user && Number(id) === uid) return user;
  }
  return undefined;
}

export function genServersPrefix(user: string, experiment: string, trial: string): string {
  return `${user}/${experiment}/${trial}/gen_servers`;
}

/** The same 8 hex digits for a server in every run of the trial: a restart re-adds the same key. */
export function serverSubkey(experiment: string, trial: string, serverIndex: number): string {
  let hash = 0x811c9dc5;
  for (const char of `${experiment}/${trial}/${serverIndex}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

export function serverValue(host: string, port: number): string {
  return `${hostForUrl(host)}:${port}`;
}
