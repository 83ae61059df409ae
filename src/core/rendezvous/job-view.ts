// An attempt of a job as its rendezvous shows one reader, decided without side effects: still coming up
// (and why, node by node), ready (every node alive on this reader's evidence and every server of the spec
// healthy, in global index order), or failed (a node published a failure, a server failed, a node stopped,
// or a node seen alive vanished). `berth wait` prints it; every node's fail-together watch acts on it.
import { judgeNode, type JobWatch, type NodeJudgement, type NodeWatch } from "./liveness.ts";
import type { NodeRecord, ServerRecord } from "./node-record.ts";
import { shortDuration } from "../observe/server-observations.ts";

export type JobView =
  | { kind: "waiting"; progress: string }
  /** job: what the nodes were launched with (the spec, node count, GPUs per node), for a trainer's placement. */
  | { kind: "ready"; servers: ServerRecord[]; job: { spec: string; nodes: number; gpusPerNode: number } }
  /** stopped: the cause is a node that was stopped (a signal), not one that failed; its exit status with it. */
  | { kind: "failed"; reason: string; node: number; stopped?: { exitCode?: number } };

export function nodeName(record: NodeRecord): string {
  return `node ${record.rank} (${record.host})`;
}

interface Judged {
  watch: NodeWatch;
  judgement: NodeJudgement;
}

/** The cause first: a node that failed by itself, or a failed server, before nodes that only followed. */
function failure(judged: readonly Judged[]): { reason: string; node: number; stopped?: { exitCode?: number } } | undefined {
  const causes = [...judged].sort((a, b) => Number(a.watch.record.followed ?? false) - Number(b.watch.record.followed ?? false));
  for (const { watch: { record } } of causes) {
    if (record.state === "failed") {
      const code = record.exitCode === undefined ? "" : ` (exit ${record.exitCode})`;
      return { reason: `${nodeName(record)} failed: ${record.reason ?? "its run ended with a failure"}${code}`, node: record.rank };
    }
    const failed = record.servers.find((server) => server.state === "failed");
    if (failed) return { reason: `server ${failed.index} on ${nodeName(record)} failed`, node: record.rank };
  }
  for (const { watch: { record }, judgement } of judged) {
    if (judgement.kind === "vanished") return { reason: `${nodeName(record)} vanished: ${judgement.why}`, node: record.rank };
    if (record.state === "stopped" && !record.nothingToRun) return { reason: `${nodeName(record)} stopped: ${record.reason ?? "its run is over"}`, node: record.rank, stopped: { exitCode: record.exitCode } };
  }
  return undefined;
}

/** "s3 starting for 31s: connection refused": why a server is not healthy yet, as its node last saw it. */
function notHealthyYet(server: ServerRecord): string {
  const howLong = server.inStateMs === undefined || server.inStateMs < 1000 ? "" : ` for ${shortDuration(server.inStateMs)}`;
  const health = server.health && server.state !== "restarting" ? `: ${server.health}` : "";
  const exit = server.state === "restarting" && server.lastExit ? ` after ${server.lastExit}` : "";
  return `s${server.index} ${server.state}${howLong}${exit}${health}`;
}

/** One phrase per node that holds the job up, so a long wait says why. */
function holdUps(judged: readonly Judged[], reference: NodeRecord, healthy: number, except?: number): string {
  const { nodes, serverCount } = reference;
  const present = new Set(judged.map(({ watch }) => watch.record.rank));
  if (except !== undefined) present.add(except);
  const parts: string[] = [];
  const needed = reference.serverNodes ?? Array.from({ length: nodes }, (_, rank) => rank);
  const missing = needed.filter((rank) => !present.has(rank));
  if (missing.length > 0) parts.push(`node(s) ${missing.join(",")} not published yet`);
  for (const { watch, judgement } of judged) {
    if (judgement.kind === "stale") parts.push(`${nodeName(watch.record)} is a leftover (${judgement.why}); waiting for a live node to take its place`);
    if (judgement.kind === "judging") parts.push(`${nodeName(watch.record)} not yet seen alive`);
  }
  const starting = judged.flatMap(({ watch }) => watch.record.servers.filter((server) => server.role !== "member" && server.state !== "healthy").map(notHealthyYet));
  const shown = starting.length > 6 ? [...starting.slice(0, 6), `${starting.length - 6} more`] : starting;
  const servers = `${healthy} of ${serverCount} server(s) healthy${shown.length > 0 ? ` (${shown.join(", ")})` : ""}`;
  const counted = new Set(needed.filter((rank) => rank !== except));
  const alive = judged.filter(({ watch, judgement }) => counted.has(watch.record.rank) && (judgement.kind === "alive" || watch.record.nothingToRun)).length;
  return [`${alive} of ${counted.size} node(s) alive`, servers, ...parts].join("; ");
}

/**
 * Every node the job needs has published: those the plan puts servers on, where the records say which (a
 * trainer's node runs no berth run), else every node of the job.
 */
function everyNeededNodePresent(reference: NodeRecord, live: readonly Judged[], idle: number, except: number | undefined): boolean {
  if (!reference.serverNodes) return live.length + idle === reference.nodes - (except === undefined ? 0 : 1);
  const present = new Set(live.map(({ watch }) => watch.record.rank));
  return reference.serverNodes.every((rank) => rank === except || present.has(rank));
}

/** The job as one reader sees it; `except` leaves out the reader's own node (a node's fail-together watch). */
export function viewJob(watch: JobWatch, now: number, staleMs: number, except?: number): JobView {
  const judged = [...watch.nodes.values()]
    .filter((node) => node.record.rank !== except)
    .sort((a, b) => a.record.rank - b.record.rank)
    .map((node) => ({ watch: node, judgement: judgeNode(node, watch, now, staleMs) }));
  const failed = failure(judged.filter(({ judgement }) => judgement.kind !== "stale"));
  if (failed) return { kind: "failed", ...failed };
  // A node the plan gives no server is done from the start: present, and needed for nothing more.
  const idle = judged.filter(({ watch: node }) => node.record.nothingToRun === true).length;
  const live = judged.filter(({ watch: node, judgement }) => judgement.kind !== "stale" && node.record.nothingToRun !== true);
  if (judged.length === 0) return { kind: "waiting", progress: "no node has published yet" };
  const reference = [...live, ...judged].map(({ watch: node }) => node.record).reduce((best, record) => (record.serverCount > best.serverCount ? record : best));
  const serving = new Map<number, ServerRecord>();
  for (const { watch: node } of live) for (const server of node.record.servers) if (server.role !== "member") serving.set(server.index, server);
  const healthy = [...serving.values()].filter((server) => server.state === "healthy");
  // A node that has claimed its rank but not joined (planned and reserved) has no layout yet.
  const liveAndAlive = live.every(({ watch: node, judgement }) => judgement.kind === "alive" && node.record.layout !== "");
  const everyNodeAlive = liveAndAlive && everyNeededNodePresent(reference, live, idle, except);
  if (everyNodeAlive && healthy.length === reference.serverCount) {
    return { kind: "ready", servers: healthy.sort((a, b) => a.index - b.index), job: { spec: reference.spec, nodes: reference.nodes, gpusPerNode: reference.gpusPerNode } };
  }
  return { kind: "waiting", progress: holdUps(judged, reference, healthy.length, except) };
}
