// What runs beside a node's servers and hears every state change (supervise's companions): AReaL's
// name_resolve entries, and the node's presence in the job's rendezvous (which first joins the job: members
// learn their leaders there). AReaL's store is opened and checked before anything is reserved.
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";
import { succeeded, type Outcome } from "../../core/refusal.ts";
import { arealCompanion, type ArealCompanion } from "../areal/name-resolve-companion.ts";
import { openNameResolve, type NameResolveStore } from "../areal/name-resolve-store.ts";
import type { NodeInJob, RendezvousRequest } from "../rendezvous/enter-job.ts";
import { joinJob } from "../rendezvous/join-job.ts";
import { startPresence } from "../rendezvous/node-presence.ts";
import type { CompanionStart } from "../supervise/companion.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { PreparedNode } from "./prepare-node.ts";

export interface ArealRequest {
  target: NameResolveTarget;
  user: string;
  experiment: string;
  trial: string;
  /** Where --areal-name-resolve came from, for messages. */
  origin: string;
}

/** AReaL's store, opened and checked (exit 2 for a root that is not there, 3 for one that cannot be reached). */
export async function openAreal(areal: ArealRequest | undefined): Promise<Outcome<NameResolveStore | undefined>> {
  return areal ? openNameResolve(areal.target, areal.origin) : succeeded(undefined);
}

export interface BesideRequest {
  areal?: ArealRequest;
  arealStore?: NameResolveStore;
  rendezvous?: RendezvousRequest;
  inJob?: NodeInJob;
  startupTimeoutMs: number;
  /** A stop signal before the servers start ends the wait for leaders at once. */
  stop?: AbortSignal;
}

/** Joins the job (join-job.ts) when there is one; the servers it returns have their leaders filled in. */
export async function startBeside(request: BesideRequest, node: PreparedNode, progress: (text: string) => void): Promise<Outcome<{ servers: SupervisedServer[]; companions: CompanionStart[] }>> {
  let servers = node.servers;
  if (request.inJob) {
    request.inJob.membership.facts.host = node.host;
    const joined = await joinJob(request.inJob.membership, node, Date.now() + request.startupTimeoutMs, progress, request.stop);
    if (!joined.ok) return joined;
    servers = joined.value;
  }
  const companions: CompanionStart[] = [];
  let areal: ArealCompanion | undefined;
  if (request.areal && request.arealStore) {
    const { user, experiment, trial, origin } = request.areal;
    const naming = { user, experiment, trial, rank: node.identity.rank, serverCount: node.job.serverCount, graceMs: request.rendezvous?.graceMs ?? 60_000 };
    const start = arealCompanion(request.arealStore, naming, origin);
    companions.push((run) => (areal = start(run)));
  }
  if (request.inJob && request.rendezvous) {
    const { membership } = request.inJob;
    const { failTogether, graceMs } = request.rendezvous;
    companions.push((run) => startPresence(run, { membership, failTogether, graceMs, withdraw: (record) => areal?.withdraw(record) }));
  }
  return succeeded({ servers, companions });
}
