// `berth run` and `berth demo` as an application: prepare this node, supervise its servers, and remove the
// run directory once every server has stopped. What the user sees comes from the presenter the caller passes.
import type { LaunchRequest } from "../../core/node/launch-request.ts";
import { badInput, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { EXIT, type RunEnd } from "../../core/exit.ts";
import { parseHealthPaths } from "../../core/supervise/health-paths.ts";
import { removeRunDirectory } from "../run-directory.ts";
import { supervise, type RunView, type SupervisorSettings } from "../supervise/supervise.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { prepareNode, type PreparedNode } from "./prepare-node.ts";
import { checkManifestPath, prepareLogDirectory } from "./output-paths.ts";
import { releaseServers } from "./reserve-servers.ts";
import { startBeside, type ArealRequest, type RendezvousRequest } from "./beside-servers.ts";

export interface RunNodeRequest {
  launch: LaunchRequest;
  supervision: Omit<SupervisorSettings, "host" | "bindHost" | "node" | "healthPaths" | "companions"> & { healthPath: string };
  /** --rendezvous: the job's store, and whether a failure elsewhere stops this node (--fail-together). */
  rendezvous?: RendezvousRequest;
  /** --areal-name-resolve: AReaL's own entries for this node's servers. */
  areal?: ArealRequest;
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

export async function runNode(request: RunNodeRequest, presenter: NodePresenter): Promise<Outcome<RunEnd>> {
  const healthPaths = checkSupervision(request);
  if (!healthPaths.ok) return healthPaths;
  const prepared = await prepareNode(request.launch);
  if (!prepared.ok) return prepared;
  const node = prepared.value;
  presenter.prepared(node);
  try {
    if (node.servers.length === 0) {
      presenter.nothingToRun(node);
      return succeeded({ code: EXIT.ok, reason: `node ${node.identity.rank} has no servers in this plan` });
    }
    const { healthPath: _checked, ...supervision } = request.supervision;
    const beside = await startBeside(request, node, (text) => presenter.progress(text));
    if (!beside.ok) {
      releaseServers(node.servers);
      return beside;
    }
    const { servers, companions } = beside.value;
    const view = presenter.openView(servers);
    try {
      return succeeded(await supervise(servers, { ...supervision, host: node.host, bindHost: node.bindHost, node: node.identity.rank, healthPaths: healthPaths.value, companions }, view));
    } finally {
      view.close();
    }
  } finally {
    removeRunDirectory(node.runDirectory); // every server has stopped by now; their caches go with them
  }
}
