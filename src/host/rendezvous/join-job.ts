// Joining the job once this node is planned and reserved: its record goes in (state starting), a node
// launched differently from the live nodes of the attempt is refused naming both, and every member of a
// multi-node server waits for its leader's published address and ports (from a leader seen alive) instead
// of computing them from its own pool and ip_local_reserved_ports.
import type { PublishedLeader } from "../../core/launch/launch-types.ts";
import { viewJob } from "../../core/rendezvous/job-view.ts";
import { judgeNode, type JobWatch } from "../../core/rendezvous/liveness.ts";
import { incompatibility, type NodeRecord } from "../../core/rendezvous/node-record.ts";
import { STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import type { PreparedNode } from "../node/prepare-node.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { Membership } from "./membership.ts";
import { nodeRecordOf } from "./node-record-of.ts";

/** Records of other nodes, judged: the alive, and the ones not judged yet. */
function others(watch: JobWatch, rank: number): { alive: NodeRecord[]; judging: NodeRecord[] } {
  const now = Date.now();
  const alive: NodeRecord[] = [];
  const judging: NodeRecord[] = [];
  for (const node of watch.nodes.values()) {
    if (node.record.rank === rank || node.gone || node.record.layout === "") continue; // not joined yet: nothing to compare
    const judged = judgeNode(node, watch, now, STALE_MS).kind;
    if (judged === "alive") alive.push(node.record);
    if (judged === "judging") judging.push(node.record);
  }
  return { alive, judging };
}

function publishedLeader(records: readonly NodeRecord[], entry: SupervisedServer): PublishedLeader | undefined {
  const leaderNode = records.find((record) => record.rank === entry.server.node);
  const leader = leaderNode?.servers.find((server) => server.index === entry.server.index && server.role === "leader");
  return leaderNode && leader ? { address: leaderNode.host, dist: leader.ports.dist, http: leader.port } : undefined;
}

type Step = { done: true; outcome: Outcome<SupervisedServer[]> } | { done: false; waitingFor: string };

/** One look at the job: refuse a clash, fill in the leaders that are published; or say what is still missing. */
function look(member: Membership, node: PreparedNode, servers: SupervisedServer[], resolved: Set<number>, mine: NodeRecord): Step {
  const { watch } = member.reader;
  const { alive, judging } = others(watch, mine.rank);
  const clash = incompatibility(mine, alive);
  if (clash) return { done: true, outcome: refused(badInput(`${clash} (rendezvous ${member.store.where})`)) };
  const view = viewJob(watch, Date.now(), STALE_MS, mine.rank);
  if (view.kind === "failed") return { done: true, outcome: refused({ ...environmentRefusal(`the job failed before this node's servers started: ${view.reason}`), followed: true }) };
  servers.forEach((entry, position) => {
    const leader = entry.role.role === "member" && !resolved.has(entry.server.index) ? publishedLeader(alive, entry) : undefined;
    if (!leader) return;
    servers[position] = node.withLeader(entry, leader);
    resolved.add(entry.server.index);
  });
  // Every member dials what its leader published, even where this node could work out an address itself.
  const unresolved = servers.filter((entry) => entry.role.role === "member" && !resolved.has(entry.server.index)).map((entry) => entry.server.index);
  if (unresolved.length > 0) return { done: false, waitingFor: `the leaders of server(s) ${unresolved.join(",")} to publish their address in ${member.store.where}` };
  if (judging.some((record) => incompatibility(mine, [record]))) return { done: false, waitingFor: `a node launched differently to show it is alive or gone` };
  return { done: true, outcome: succeeded(servers) };
}

export async function joinJob(member: Membership, node: PreparedNode, deadline: number, progress: (text: string) => void, stop?: AbortSignal): Promise<Outcome<SupervisedServer[]>> {
  Object.assign(member.facts, { gpusPerNode: node.job.gpusPerNode, layout: node.job.layout, serverCount: node.job.serverCount, serverNodes: node.job.serverNodes });
  const servers = [...node.servers];
  const mine = nodeRecordOf(member.facts, servers, { state: "starting", heartbeat: 0 });
  const written = await member.write(servers, { state: "starting" });
  if (written.kind === "lost") return refused(environmentRefusal(written.message));
  const resolved = new Set<number>();
  let said = "";
  for (;;) {
    if (stop?.aborted) return refused(environmentRefusal("stopped before its servers started"));
    await member.reader.read().catch(() => member.reader.trouble());
    const step = look(member, node, servers, resolved, mine);
    if (step.done) return step.outcome;
    if (Date.now() > deadline) return refused(environmentRefusal(`gave up waiting for ${step.waitingFor} before the start-up timeout`));
    const text = `waiting for ${step.waitingFor}`;
    if (text !== said) progress((said = text));
    await Bun.sleep(WATCH_MS);
  }
}
