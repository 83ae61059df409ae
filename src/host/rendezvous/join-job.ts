// Joining a job's rendezvous before the servers start: this node's record goes in (state starting), a node
// launched differently from the others is refused naming both, and every member of a multi-node server
// waits for its leader's published address and ports instead of computing them from its own pool and
// ip_local_reserved_ports (nodes with different reservations would dial different ports).
import type { PublishedLeader } from "../../core/launch/launch-types.ts";
import { viewJob } from "../../core/rendezvous/job-view.ts";
import { incompatibility, type NodeRecord } from "../../core/rendezvous/node-record.ts";
import { STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import type { PreparedNode } from "../node/prepare-node.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { jobReader, nodeKey } from "./job-records.ts";
import { nodeRecordOf, type NodeFactsForRecord } from "./node-record-of.ts";
import type { RendezvousStore } from "./store.ts";

export function factsOf(node: PreparedNode): NodeFactsForRecord {
  return { rank: node.identity.rank, nodes: node.identity.count, host: node.host, job: node.job };
}

function publishedLeader(records: readonly NodeRecord[], entry: SupervisedServer): PublishedLeader | undefined {
  const leaderNode = records.find((record) => record.rank === entry.server.node);
  const leader = leaderNode?.servers.find((server) => server.index === entry.server.index && server.role === "leader");
  return leaderNode && leader ? { address: leaderNode.host, dist: leader.ports.dist, http: leader.port } : undefined;
}

/** Publishes this node, checks it against the others, and fills in members' leaders; the servers it returns are ready to start. */
export async function joinJob(node: PreparedNode, store: RendezvousStore, deadline: number, progress: (text: string) => void): Promise<Outcome<SupervisedServer[]>> {
  const facts = factsOf(node);
  const reader = jobReader(store);
  const mine = nodeRecordOf(facts, node.servers, "starting", 0);
  const others = (await reader.read()).observations.map(({ record }) => record).filter((record) => record.rank !== facts.rank);
  const clash = incompatibility(mine, others);
  if (clash) return refused(badInput(`${clash} (rendezvous ${store.where})`));
  await store.put(nodeKey(facts.rank), JSON.stringify(mine));
  const servers = [...node.servers];
  const unresolved = () => servers.filter((entry) => entry.role.role === "member" && !resolved.has(entry.server.index));
  const resolved = new Set<number>();
  let said = "";
  while (unresolved().length > 0) {
    const { observations, gone } = await reader.read();
    const records = observations.map(({ record }) => record);
    servers.forEach((entry, position) => {
      const leader = entry.role.role === "member" && !resolved.has(entry.server.index) ? publishedLeader(records, entry) : undefined;
      if (!leader) return;
      servers[position] = node.withLeader(entry, leader);
      resolved.add(entry.server.index);
    });
    const waiting = unresolved().map((entry) => entry.server.index);
    if (waiting.length === 0) break;
    const view = viewJob(observations.filter(({ record }) => record.rank !== facts.rank), gone, Date.now(), STALE_MS);
    if (view.kind === "failed") return refused(environmentRefusal(`the job failed before this node's servers started: ${view.reason}`));
    if (Date.now() > deadline) return refused(environmentRefusal(`no leader published server(s) ${waiting.join(",")} in ${store.where} before the start-up timeout`));
    const text = `waiting for the leaders of server(s) ${waiting.join(",")} to publish their address in ${store.where}`;
    if (text !== said) progress((said = text));
    await Bun.sleep(WATCH_MS);
  }
  return succeeded(servers);
}
