// The body of `berth run` and `berth demo`, loaded on demand: prepare this node, then supervise it.
import type { Io } from "./io.ts";
import { prepareNode, type LaunchRequest } from "./launch-node.ts";
import { createRunView, type ViewMode } from "./render/run-view.ts";
import { parseHealthPaths } from "../core/supervise/health-paths.ts";
import { removeRunDirectory } from "../host/run-directory.ts";
import { supervise, type SupervisorSettings } from "../host/supervise.ts";
import { mkdirSync } from "node:fs";

export interface RunNodeRequest extends LaunchRequest {
  supervision: Omit<SupervisorSettings, "host" | "node" | "healthPaths"> & { healthPath: string };
  addrsEnv: boolean;
  json: boolean;
}

function viewMode(io: Io, json: boolean): ViewMode {
  if (json) return "json";
  return io.isTTY && io.env.TERM !== "dumb" ? "tty" : "plain";
}

export async function runNode(request: RunNodeRequest): Promise<number> {
  const { io } = request;
  const node = await prepareNode(request);
  const mode = viewMode(io, request.json);
  for (const warning of node.warnings) io.stderr(`berth: warning: ${warning}\n`);
  const summary = `node ${node.identity.rank} of ${node.identity.count} (${node.identity.source}): ${node.servers.length} server(s) on ${node.host}${node.simulated ? ", simulated GPUs" : ""}`;
  if (mode === "json") io.stdout(`${JSON.stringify({ event: "node", time: new Date().toISOString(), rank: node.identity.rank, count: node.identity.count, source: node.identity.source, host: node.host, servers: node.servers.length, simulated: node.simulated })}\n`);
  else io.stderr(`berth: ${summary}\n`);
  try {
    if (node.servers.length === 0) {
      io.stderr(`berth: node ${node.identity.rank} has no servers in this plan; nothing to run\n`);
      return 0;
    }
    if (request.supervision.logDirectory) mkdirSync(request.supervision.logDirectory, { recursive: true });
    const healthPaths = parseHealthPaths(request.supervision.healthPath);
    const view = createRunView(io, mode, node.servers, request.addrsEnv);
    try {
      return await supervise(node.servers, { ...request.supervision, host: node.host, node: node.identity.rank, healthPaths }, view);
    } finally {
      view.close();
    }
  } finally {
    removeRunDirectory(node.runDirectory); // every server has stopped by now; their caches go with them
  }
}
