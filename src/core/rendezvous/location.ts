// Where a job's nodes meet (--rendezvous, BERTH_RENDEZVOUS) and under which name (--job, BERTH_JOB):
// a directory on a filesystem every node shares, or an etcd reached through its v3 JSON API.

import type { AttemptSource } from "./attempt.ts";

export type RendezvousLocation = { kind: "directory"; path: string } | { kind: "etcd"; endpoint: string };

/** A job's rendezvous as the command line chose it (cli/rendezvous-options.ts). */
export interface RendezvousChoice {
  location: RendezvousLocation;
  job: string;
  /** --attempt or Slurm's; undefined: derived through the store. */
  attempt?: AttemptSource;
  /** --rendezvous-grace: how long the store may be unreachable before berth gives up. */
  graceMs: number;
  /** --rendezvous-group: a directory store shared with this group on purpose. */
  sharedGid?: number;
}

export function describeLocation(location: RendezvousLocation): string {
  return location.kind === "directory" ? location.path : `etcd ${location.endpoint}`;
}

const ACCEPTED = "a shared directory (/shared/x or file:///shared/x) or etcd://host:port";

export function parseRendezvous(text: string, origin: string): { ok: true; location: RendezvousLocation } | { ok: false; message: string } {
  const bad = (why: string) => ({ ok: false as const, message: `bad value ${JSON.stringify(text)} for ${origin}: ${why}; expected ${ACCEPTED}` });
  if (text.startsWith("etcd://")) {
    const match = /^etcd:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/.exec(text);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) return bad("an etcd address is host:port");
    return { ok: true, location: { kind: "etcd", endpoint: `http://${match[1]}:${Number(match[2])}` } };
  }
  const path = text.startsWith("file://") ? text.slice("file://".length) : text;
  if (!path.startsWith("/")) return bad("a directory must be an absolute path, the same on every node");
  if (path.includes("\0")) return bad("it holds a NUL byte");
  return { ok: true, location: { kind: "directory", path: path.replace(/\/+$/, "") || "/" } };
}

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** --job, else SLURM_JOB_ID, else the LeaderWorkerSet group (its leader's address names it). */
export function jobName(flag: { value?: string; origin?: string }, env: Record<string, string | undefined>): { ok: true; name: string; from: string } | { ok: false; message: string } {
  const candidates: [string | undefined, string][] = [
    [flag.value, flag.origin ?? "--job"],
    [env.SLURM_JOB_ID, "SLURM_JOB_ID"],
    [env.LWS_LEADER_ADDRESS === undefined ? undefined : `lws-${env.LWS_LEADER_ADDRESS.split(".")[0]}`, "LWS_LEADER_ADDRESS"],
  ];
  for (const [value, from] of candidates) {
    if (value === undefined) continue;
    if (!JOB_NAME.test(value)) return { ok: false, message: `bad value ${JSON.stringify(value)} for ${from} as the job name; expected letters, digits, '.', '_' or '-' (at most 128)` };
    return { ok: true, name: value, from };
  }
  return { ok: false, message: "--rendezvous needs the job's name: pass --job NAME (or BERTH_JOB), or run under Slurm (SLURM_JOB_ID) or a LeaderWorkerSet" };
}
