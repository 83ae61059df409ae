// What `berth run` and `berth demo` show around host/node/run-node.ts: the node line, the live view, and
// the refusal, if any, as an exit code.
import { orRefuse } from "./errors.ts";
import { printEvent } from "./render/json.ts";
import { ENDED, exitStatus, type Ending, type RunEnd } from "../core/exit.ts";
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
  /** The line said after the run's own last line, given its exit status (the demo's "done (exit 0)"). */
  outro?: (status: number) => string;
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

/**
 * The last word of every run: an `exit` event with --json (refusals included), else one line on stderr. It
 * reports the status berth is about to exit with, so it asks the one mapper (core/exit.ts) for it.
 */
function reportEnd(io: Io, display: RunNodeDisplay, outcome: Outcome<RunEnd>): void {
  const end = outcome.ok ? outcome.value : { ending: ENDED[outcome.refusal.kind], reason: outcome.refusal.message };
  const code = exitStatus(end.ending);
  if (display.json) printEvent(io, "exit", { code, why: end.ending.kind, reason: end.reason });
  else if (outcome.ok && end.reason) io.stderr(`berth: exit ${code}: ${end.reason}\n`);
  if (!display.json && outcome.ok && display.outro) io.stderr(`${display.outro(code)}\n`);
}

export async function runNodeCommand(request: RunNodeRequest, io: Io, display: RunNodeDisplay): Promise<Ending> {
  const logger = viewMode(io, display.json) === "tty" ? (await import("./render/terminal-logger.ts")).terminalLogger(io) : undefined;
  const outcome = await runNode(request, presenter(io, display, logger));
  reportEnd(io, display, outcome);
  return orRefuse(outcome).ending;
}
