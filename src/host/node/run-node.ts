// `berth run` and `berth demo` as an application: prepare this node, supervise its servers, and remove the
// run directory once every server has stopped. What the user sees comes from the presenter the caller passes.
import type { LaunchRequest } from "../../core/node/launch-request.ts";
import { succeeded, type Outcome } from "../../core/refusal.ts";
import { EXIT } from "../../core/exit.ts";
import { parseHealthPaths } from "../../core/supervise/health-paths.ts";
import { removeRunDirectory } from "../run-directory.ts";
import { supervise, type RunView, type SupervisorSettings } from "../supervise/supervise.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import { prepareNode, type PreparedNode } from "./prepare-node.ts";
import { mkdirSync } from "node:fs";

export interface RunNodeRequest {
  launch: LaunchRequest;
  supervision: Omit<SupervisorSettings, "host" | "bindHost" | "node" | "healthPaths"> & { healthPath: string };
}

export interface NodePresenter {
  /** The node is reserved and about to start: warnings and the summary line. */
  prepared(node: PreparedNode): void;
  /** A node with no servers in the plan. */
  nothingToRun(node: PreparedNode): void;
  openView(servers: readonly SupervisedServer[]): RunView & { close(): void };
}

export async function runNode(request: RunNodeRequest, presenter: NodePresenter): Promise<Outcome<number>> {
  const prepared = await prepareNode(request.launch);
  if (!prepared.ok) return prepared;
  const node = prepared.value;
  presenter.prepared(node);
  try {
    if (node.servers.length === 0) {
      presenter.nothingToRun(node);
      return succeeded(EXIT.ok);
    }
    const { healthPath, ...supervision } = request.supervision;
    if (supervision.logDirectory) mkdirSync(supervision.logDirectory, { recursive: true });
    const view = presenter.openView(node.servers);
    try {
      return succeeded(await supervise(node.servers, { ...supervision, host: node.host, bindHost: node.bindHost, node: node.identity.rank, healthPaths: parseHealthPaths(healthPath) }, view));
    } finally {
      view.close();
    }
  } finally {
    removeRunDirectory(node.runDirectory); // every server has stopped by now; their caches go with them
  }
}
