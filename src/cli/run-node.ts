// What `berth run` and `berth demo` show around host/node/run-node.ts: the node line, the live view, and
// the refusal, if any, as an exit code.
import { orRefuse } from "./errors.ts";
import { printEvent } from "./render/json.ts";
import { exitCodeForRefusal, type RunEnd } from "../core/exit.ts";
import type { Outcome } from "../core/refusal.ts";
import type { Io } from "./io.ts";
import { createRunView, type ViewMode } from "./render/run-view.ts";
import type { TerminalLogger } from "./render/terminal-logger.ts";
import { runNode, type NodePresenter, type RunNodeRequest } from "../host/node/run-node.ts";

export interface RunNodeDisplay {
  addrsEnv: boolean;
  json: boolean;
  /** A line said once the node is ready to start (the demo's): never before a refusal, which is the only line then. */
  intro?: string;
}

function viewMode(io: Io, json: boolean): ViewMode {
  if (json) return "json";
  return io.isTTY && io.env.TERM !== "dumb" ? "tty" : "plain";
}

function presenter(io: Io, display: RunNodeDisplay, logger: TerminalLogger | undefined): NodePresenter {
  const mode = viewMode(io, display.json);
  return {
    prepared(node) {
      if (display.intro && mode !== "json") io.stderr(`${display.intro}\n`);
      for (const warning of node.warnings) io.stderr(`berth: warning: ${warning}\n`);
      const { rank, count, source } = node.identity;
      if (mode === "json") printEvent(io, "node", { rank, count, source, host: node.host, servers: node.servers.length, simulated: node.simulated });
      else io.stderr(`berth: node ${rank} of ${count} (${source}): ${node.servers.length} server(s) on ${node.host}${node.simulated ? ", simulated GPUs" : ""}\n`);
    },
    nothingToRun(node) {
      io.stderr(`berth: node ${node.identity.rank} has no servers in this plan; nothing to run\n`);
    },
    openView: (servers) => createRunView(io, mode, servers, display.addrsEnv, logger),
    progress(text) {
      if (mode === "json") printEvent(io, "message", { text });
      else io.stderr(`berth: ${text}\n`);
    },
  };
}

/** The last word of every run: an `exit` event with --json (refusals included), else one line on stderr. */
function reportEnd(io: Io, json: boolean, outcome: Outcome<RunEnd>): void {
  const end = outcome.ok ? outcome.value : { code: exitCodeForRefusal(outcome.refusal.class), reason: outcome.refusal.message };
  if (json) printEvent(io, "exit", end);
  else if (outcome.ok && end.reason) io.stderr(`berth: exit ${end.code}: ${end.reason}\n`);
}

export async function runNodeCommand(request: RunNodeRequest, io: Io, display: RunNodeDisplay): Promise<number> {
  const logger = viewMode(io, display.json) === "tty" ? (await import("./render/terminal-logger.ts")).terminalLogger(io) : undefined;
  const outcome = await runNode(request, presenter(io, display, logger));
  reportEnd(io, display.json, outcome);
  return orRefuse(outcome).code;
}
