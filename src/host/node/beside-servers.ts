// What runs beside a node's servers and hears every state change (supervise's companions): its presence in
// the job's rendezvous (which first joins the job: members learn their leaders there) and AReaL's
// name_resolve entries. Both stores are opened before anything starts, so an unreachable etcd is said at once.
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";
import { describeLocation, type RendezvousLocation } from "../../core/rendezvous/location.ts";
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { arealCompanion } from "../areal/name-resolve-companion.ts";
import { openNameResolve, type NameResolveStore } from "../areal/name-resolve-store.ts";
import { factsOf, joinJob } from "../rendezvous/join-job.ts";
import { startPresence } from "../rendezvous/node-presence.ts";
import { openStore, type RendezvousStore } from "../rendezvous/store.ts";
import type { Companion } from "../supervise/settings.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import type { PreparedNode } from "./prepare-node.ts";

export interface RendezvousRequest {
  location: RendezvousLocation;
  job: string;
  failTogether: boolean;
}

export interface ArealRequest {
  target: NameResolveTarget;
  user: string;
  experiment: string;
  trial: string;
}

type CompanionStart = (run: SupervisorRun) => Companion;

function unreachable(what: string, error: unknown) {
  return refused<never>(environmentRefusal(`cannot reach ${what}: ${error instanceof Error ? error.message : String(error)}`));
}

async function openAreal(areal: ArealRequest | undefined): Promise<Outcome<NameResolveStore | undefined>> {
  if (!areal) return succeeded(undefined);
  try {
    return succeeded(await openNameResolve(areal.target));
  } catch (error) {
    return unreachable(`AReaL's name_resolve (${areal.target.kind === "nfs" ? areal.target.root : areal.target.endpoint})`, error);
  }
}

/** Joins the job (join-job.ts); the servers it returns have their leaders filled in. */
async function joinRendezvous(rendezvous: RendezvousRequest, node: PreparedNode, deadline: number, progress: (text: string) => void): Promise<Outcome<{ servers: SupervisedServer[]; start: CompanionStart }>> {
  let store: RendezvousStore;
  try {
    store = await openStore(rendezvous.location, rendezvous.job, true);
  } catch (error) {
    return unreachable(`the rendezvous (${describeLocation(rendezvous.location)})`, error);
  }
  const joined = await joinJob(node, store, deadline, progress);
  if (!joined.ok) {
    await store.close();
    return joined;
  }
  return succeeded({ servers: joined.value, start: (run) => startPresence(run, { store, facts: factsOf(node), failTogether: rendezvous.failTogether }) });
}

export async function startBeside(
  request: { rendezvous?: RendezvousRequest; areal?: ArealRequest; supervision: { startupTimeoutMs: number } },
  node: PreparedNode,
  progress: (text: string) => void,
): Promise<Outcome<{ servers: SupervisedServer[]; companions: CompanionStart[] }>> {
  const arealStore = await openAreal(request.areal);
  if (!arealStore.ok) return arealStore;
  const companions: CompanionStart[] = [];
  let servers = node.servers;
  if (request.rendezvous) {
    const joined = await joinRendezvous(request.rendezvous, node, Date.now() + request.supervision.startupTimeoutMs, progress);
    if (!joined.ok) {
      await arealStore.value?.close();
      return joined;
    }
    servers = joined.value.servers;
    companions.push(joined.value.start);
  }
  if (request.areal && arealStore.value) {
    const { user, experiment, trial } = request.areal;
    companions.push(arealCompanion(arealStore.value, { user, experiment, trial, rank: node.identity.rank, serverCount: node.job.serverCount }));
  }
  return succeeded({ servers, companions });
}
