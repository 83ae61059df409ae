// `berth status --rendezvous R --job J`: the whole job as its rendezvous shows it: each node (rank, host,
// attempt, alive or not, on this reader's own evidence) and each of its servers (GPUs, port, state, restarts,
// last exit, health). A node on another host is judged alive only once its heartbeat has moved, so the first
// look reads again for up to one heartbeat while any node is still being judged.
import { BerthError } from "./errors.ts";
import type { Snapshot } from "./watch-loop.ts";
import { renderTable, compactList } from "./render/table.ts";
import { ENDED } from "../core/exit.ts";
import { judgeNode, type NodeJudgement } from "../core/rendezvous/liveness.ts";
import { viewJob } from "../core/rendezvous/job-view.ts";
import type { NodeRecord } from "../core/rendezvous/node-record.ts";
import { HEARTBEAT_MS, STALE_MS, WATCH_MS } from "../core/rendezvous/timing.ts";
import type { RendezvousChoice } from "../core/rendezvous/location.ts";
import { shortDuration } from "../core/observe/server-observations.ts";
import { currentAttempt } from "../host/rendezvous/current-attempt.ts";
import { jobReader, type JobReader } from "../host/rendezvous/job-records.ts";
import { openStore } from "../host/rendezvous/open-store.ts";
import { StoreRefused, type RendezvousStore } from "../host/rendezvous/store.ts";

interface JudgedNode {
  record: NodeRecord;
  judgement: NodeJudgement;
}

function liveness(judgement: NodeJudgement): string {
  if (judgement.kind === "alive") return "alive";
  if (judgement.kind === "judging") return "not yet seen alive";
  if (judgement.kind === "final") return "ended";
  return `${judgement.kind}: ${judgement.why}`;
}

function nodeRows(nodes: readonly JudgedNode[]): string[][] {
  return nodes.map(({ record, judgement }) => [String(record.rank), record.host, record.state, liveness(judgement), String(record.servers.filter((server) => server.role !== "member").length), record.reason ?? ""]);
}

function serverRows(nodes: readonly JudgedNode[]): string[][] {
  return nodes.flatMap(({ record }) =>
    record.servers.map((server) => [
      `s${server.index}`, String(server.node), compactList(server.gpus.map((gpu) => gpu.index)) || "-", server.role === "member" ? "-" : String(server.port),
      server.state, server.inStateMs === undefined ? "" : shortDuration(server.inStateMs), String(server.restarts ?? 0), server.lastExit ?? "-", server.health ?? "-", server.url || "-",
    ]),
  );
}

function render(job: string, attempt: string | undefined, nodes: readonly JudgedNode[], verdict: string): string {
  if (attempt === undefined) return `job ${job}: no node has published yet\n`;
  const total = nodes[0]?.record.nodes ?? 0;
  let text = `job ${job}, attempt ${attempt}: ${verdict}\n\nnodes (${nodes.length} of ${total} published):\n`;
  text += renderTable(["rank", "host", "state", "liveness", "servers", "reason"], nodeRows(nodes)).replace(/^(?=.)/gm, "  ");
  const rows = serverRows(nodes);
  text += `\nservers (${rows.length}):\n`;
  text += renderTable(["server", "node", "gpus", "port", "state", "for", "restarts", "last exit", "health", "url"], rows).replace(/^(?=.)/gm, "  ");
  return text;
}

interface Following {
  store?: RendezvousStore;
  reader?: JobReader;
  looked: boolean;
}

async function look(choice: RendezvousChoice, following: Following, warn: (message: string) => void): Promise<Snapshot> {
  following.store ??= await openStore(choice.location, choice.job, { writer: false, sharedGid: choice.sharedGid, warn });
  const attempt = choice.attempt?.attempt ?? (await currentAttempt(following.store)).attempt;
  if (attempt === undefined) return { json: () => ({ job: choice.job, attempt: null, verdict: "no node has published yet", nodes: [], servers: [] }), text: () => render(choice.job, undefined, [], ""), ending: ENDED.ok };
  if (following.reader?.attempt !== attempt) following.reader = jobReader(following.store, choice.job, attempt, warn);
  const reader = following.reader;
  // A first look waits for remote heartbeats to move (up to one heartbeat and a read) before it judges.
  const judgeBy = Date.now() + (following.looked ? 0 : HEARTBEAT_MS + WATCH_MS);
  following.looked = true;
  let nodes: JudgedNode[];
  for (;;) {
    await reader.read();
    const now = Date.now();
    nodes = [...reader.watch.nodes.values()].sort((a, b) => a.record.rank - b.record.rank).map((node) => ({ record: node.record, judgement: judgeNode(node, reader.watch, now, STALE_MS) }));
    if (Date.now() >= judgeBy || !nodes.some(({ judgement }) => judgement.kind === "judging")) break;
    await Bun.sleep(WATCH_MS);
  }
  const view = viewJob(reader.watch, Date.now(), STALE_MS);
  const verdict = view.kind === "ready" ? "ready" : view.kind === "failed" ? `failed: ${view.reason}` : `coming up: ${view.progress}`;
  const json = () => ({
    job: choice.job, attempt, state: view.kind, verdict,
    nodes: nodes.map(({ record, judgement }) => ({ rank: record.rank, host: record.host, state: record.state, liveness: judgement.kind, ...("why" in judgement ? { why: judgement.why } : {}), reason: record.reason ?? null, exitCode: record.exitCode ?? null })),
    servers: nodes.flatMap(({ record }) => record.servers),
  });
  return { json, text: () => render(choice.job, attempt, nodes, verdict), ending: view.kind === "failed" ? ENDED.failed : ENDED.ok };
}

/** A snapshot function that keeps its store and evidence from one look to the next (--watch). */
export function jobSnapshots(choice: RendezvousChoice, warn: (message: string) => void): () => Promise<Snapshot> {
  const following: Following = { looked: false };
  return async () => {
    try {
      return await look(choice, following, warn);
    } catch (error) {
      if (error instanceof StoreRefused) throw new BerthError(ENDED.environment, error.message);
      // Unreachable for now: said as the view (a --watch goes on looking), exit 3 for a single look.
      const why = `the rendezvous cannot be read: ${error instanceof Error ? error.message : String(error)}`;
      return { json: () => ({ job: choice.job, state: "unknown", verdict: why }), text: () => `job ${choice.job}: ${why}\n`, ending: ENDED.environment };
    }
  };
}
