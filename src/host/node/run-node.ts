// `berth run` and `berth demo` as an application: prepare this node, supervise its servers, and remove the
// run directory once every server has stopped. What the user sees comes from the presenter the caller passes.
import type { LaunchRequest } from "../../core/node/launch-request.ts";
import { badInput, environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { EXIT } from "../../core/exit.ts";
import { parseHealthPaths } from "../../core/supervise/health-paths.ts";
import { removeRunDirectory } from "../run-directory.ts";
import { supervise, type RunView, type SupervisorSettings } from "../supervise/supervise.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { prepareNode, type PreparedNode } from "./prepare-node.ts";
import { checkManifestPath, prepareLogDirectory } from "./output-paths.ts";
import { releaseServers } from "./reserve-servers.ts";
import { describeLocation, type RendezvousLocation } from "../../core/rendezvous/location.ts";
import { factsOf, joinJob } from "../rendezvous/join-job.ts";
import { startPresence } from "../rendezvous/node-presence.ts";
import { openStore, type RendezvousStore } from "../rendezvous/store.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import type { Companion } from "../supervise/settings.ts";
import type { NameResolveTarget } from "../../core/areal/name-resolve.ts";
import { arealCompanion } from "../areal/name-resolve-companion.ts";
import { openNameResolve } from "../areal/name-resolve-store.ts";

export interface RunNodeRequest {
  launch: LaunchRequest;
  supervision: Omit<SupervisorSettings, "host" | "bindHost" | "node" | "healthPaths" | "companions"> & { healthPath: string };
  /** --rendezvous: the job's store, and whether a failure elsewhere stops this node (--fail-together). */
  rendezvous?: { location: RendezvousLocation; job: string; failTogether: boolean };
  /** --areal-name-resolve: AReaL's own entries for this node's servers. */
  areal?: { target: NameResolveTarget; user: string; experiment: string; trial: string };
}

export interface NodePresenter {
  /** The node is reserved and about to start: warnings and the summary line. */
  prepared(node: PreparedNode): void;
  /** A node with no servers in the plan. */
  nothingToRun(node: PreparedNode): void;
  openView(servers: readonly SupervisedServer[]): RunView & { close(): void };
  /** A long wait before the servers start (members waiting for their leaders). */
  progress(text: string): void;
}

/** Everything about the supervision that can be checked before anything is reserved. */
function checkSupervision({ supervision, launch }: RunNodeRequest): Outcome<string[]> {
  const paths = parseHealthPaths(supervision.healthPath);
  if (!paths.ok) return refused(badInput(`${paths.message} (from ${launch.origins.healthPath ?? "--health-path"})`));
  const manifest = checkManifestPath(supervision.manifestPath, launch.origins.manifest ?? "--manifest");
  if (!manifest.ok) return manifest;
  const logs = prepareLogDirectory(supervision.logDirectory);
  return logs.ok ? succeeded(paths.paths) : logs;
}

/** --areal-name-resolve: its store opened now, so that an unreachable etcd is said before anything starts. */
async function arealNaming(request: RunNodeRequest, node: PreparedNode): Promise<Outcome<((run: SupervisorRun) => Companion) | undefined>> {
  const areal = request.areal;
  if (!areal) return succeeded(undefined);
  try {
    const store = await openNameResolve(areal.target);
    return succeeded(arealCompanion(store, { user: areal.user, experiment: areal.experiment, trial: areal.trial, rank: node.identity.rank, serverCount: node.job.serverCount }));
  } catch (error) {
    return refused(environmentRefusal(`cannot reach AReaL's name_resolve (${areal.target.kind === "nfs" ? areal.target.root : areal.target.endpoint}): ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** Without a rendezvous, the servers as prepared; with one, the node joins its job first (join-job.ts). */
async function joinRendezvous(request: RunNodeRequest, node: PreparedNode, presenter: NodePresenter): Promise<Outcome<{ servers: SupervisedServer[]; presence?: (run: SupervisorRun) => Companion }>> {
  const rendezvous = request.rendezvous;
  if (!rendezvous) return succeeded({ servers: node.servers });
  let store: RendezvousStore;
  try {
    store = await openStore(rendezvous.location, rendezvous.job, true);
  } catch (error) {
    return refused(environmentRefusal(`cannot reach the rendezvous (${describeLocation(rendezvous.location)}): ${error instanceof Error ? error.message : String(error)}`));
  }
  const joined = await joinJob(node, store, Date.now() + request.supervision.startupTimeoutMs, (text) => presenter.progress(text));
  if (!joined.ok) {
    await store.close();
    return joined;
  }
  const presence = (run: SupervisorRun) => startPresence(run, { store, facts: factsOf(node), failTogether: rendezvous.failTogether });
  return succeeded({ servers: joined.value, presence });
}

export async function runNode(request: RunNodeRequest, presenter: NodePresenter): Promise<Outcome<number>> {
  const healthPaths = checkSupervision(request);
  if (!healthPaths.ok) return healthPaths;
  const prepared = await prepareNode(request.launch);
  if (!prepared.ok) return prepared;
  const node = prepared.value;
  presenter.prepared(node);
  try {
    if (node.servers.length === 0) {
      presenter.nothingToRun(node);
      return succeeded(EXIT.ok);
    }
    const { healthPath: _checked, ...supervision } = request.supervision;
    const joined = await joinRendezvous(request, node, presenter);
    if (!joined.ok) {
      releaseServers(node.servers);
      return joined;
    }
    const { servers, presence } = joined.value;
    const areal = await arealNaming(request, node);
    if (!areal.ok) {
      releaseServers(node.servers);
      return areal;
    }
    const view = presenter.openView(servers);
    try {
      return succeeded(await supervise(servers, { ...supervision, host: node.host, bindHost: node.bindHost, node: node.identity.rank, healthPaths: healthPaths.value, companions: [presence, areal.value].filter((each) => each !== undefined) }, view));
    } finally {
      view.close();
    }
  } finally {
    removeRunDirectory(node.runDirectory); // every server has stopped by now; their caches go with them
  }
}
