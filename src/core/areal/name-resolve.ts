// AReaL's name_resolve, exactly as AReaL's trainer reads it, so an unmodified trainer finds berth's servers:
// key <user>/<experiment>/<trial>/gen_servers/<8 hex>, value host:port (no scheme, IPv6 bracketed). On nfs
// it is <root>/<key>/ENTRY; on etcd3 the key itself, without a leading slash.
import { fnv1a } from "../hash.ts";
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
  return fnv1a(`${experiment}/${trial}/${serverIndex}`);
}

export function serverValue(host: string, port: number): string {
  return `${hostForUrl(host)}:${port}`;
}

export interface ArealNamingRequest {
  target: string;
  experiment?: string;
  trial?: string;
  /** --areal-user, else what arealUser found. */
  user?: string;
  origins: Record<string, string>;
}

/** --areal-name-resolve with its experiment, trial and user, checked; a message on bad input. */
export function checkArealNaming(request: ArealNamingRequest): { ok: true; value: { target: NameResolveTarget; user: string; experiment: string; trial: string } } | { ok: false; message: string } {
  const target = parseNameResolve(request.target, request.origins.arealNameResolve ?? "--areal-name-resolve");
  if (!target.ok) return target;
  const { experiment, trial, user } = request;
  if (experiment === undefined || trial === undefined) return { ok: false, message: "--areal-name-resolve needs --areal-experiment E and --areal-trial T, as the AReaL trainer is configured" };
  if (user === undefined) return { ok: false, message: "no user name for AReaL's keys (LOGNAME, USER, LNAME, USERNAME and the password database are empty); pass --areal-user" };
  for (const [name, value] of [["arealExperiment", experiment], ["arealTrial", trial], ["arealUser", user]] as const) {
    if (value.includes("/") || value.includes("\0")) return { ok: false, message: `bad value ${JSON.stringify(value)} for ${request.origins[name] ?? "the user name"}; a name_resolve key part cannot hold "/"` };
  }
  return { ok: true, value: { target: target.target, user, experiment, trial } };
}
