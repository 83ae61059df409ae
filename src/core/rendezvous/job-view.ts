// A job as its rendezvous shows it, decided without side effects: still coming up (and how far), ready
// (every server of the spec healthy, in global index order), or failed (a server or node failed, or a node
// vanished). `berth wait` prints it; every node's fail-together watch acts on it.
import type { NodeRecord, ServerRecord } from "./node-record.ts";

/** A record as a reader saw it, with the reader's own time of its last heartbeat change (no clock skew). */
export interface Observation {
  record: NodeRecord;
  changedAt: number;
}

export type JobView =
  | { kind: "waiting"; progress: string }
  | { kind: "ready"; servers: ServerRecord[] }
  | { kind: "failed"; reason: string };

function nodeName(record: NodeRecord): string {
  return `node ${record.rank} (${record.host})`;
}

function failure(observations: readonly Observation[], gone: readonly NodeRecord[], now: number, staleMs: number): string | undefined {
  // The cause first: a node that failed by itself, or a failed server, before nodes that only followed.
  const causes = [...observations].sort((a, b) => Number(a.record.followed ?? false) - Number(b.record.followed ?? false));
  for (const { record } of causes) {
    if (record.state === "failed") return `${nodeName(record)} failed: ${record.reason ?? "its run ended with a failure"}`;
    const failed = record.servers.find((server) => server.state === "failed");
    if (failed) return `server ${failed.index} on ${nodeName(record)} failed`;
  }
  for (const record of gone) if (record.state === "starting" || record.state === "running") return `${nodeName(record)} vanished: its record is gone from the rendezvous (berth there died)`;
  for (const { record, changedAt } of observations) {
    const live = record.state === "starting" || record.state === "running";
    if (live && now - changedAt > staleMs) return `${nodeName(record)} vanished: no heartbeat for ${Math.round((now - changedAt) / 1000)}s`;
  }
  return undefined;
}

/** `gone`: records seen before that have since disappeared (etcd deletes a dead node's record with its lease). */
export function viewJob(observations: readonly Observation[], gone: readonly NodeRecord[], now: number, staleMs: number): JobView {
  const failed = failure(observations, gone, now, staleMs);
  if (failed) return { kind: "failed", reason: failed };
  if (observations.length === 0) return { kind: "waiting", progress: "no node has published yet" };
  const { nodes, serverCount } = observations[0]!.record;
  const serving = new Map<number, ServerRecord>();
  for (const { record } of observations) for (const server of record.servers) if (server.role !== "member") serving.set(server.index, server);
  const healthy = [...serving.values()].filter((server) => server.state === "healthy");
  const stopped = observations.find(({ record }) => record.state === "stopped");
  if (stopped) return { kind: "failed", reason: `${nodeName(stopped.record)} stopped: ${stopped.record.reason ?? "its run is over"}` };
  if (observations.length === nodes && healthy.length === serverCount) return { kind: "ready", servers: healthy.sort((a, b) => a.index - b.index) };
  return { kind: "waiting", progress: `${observations.length} of ${nodes} node(s) published, ${healthy.length} of ${serverCount} server(s) healthy` };
}
