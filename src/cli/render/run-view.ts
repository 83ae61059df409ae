// What the user sees while berth runs servers: a live table on a terminal, plain lines off one, or JSON
// events with --json. Server output is always prefixed with its id.
import type { TerminalLogger } from "./terminal-logger.ts";
import type { Io } from "../io.ts";
import type { RunView } from "../../host/supervise/settings.ts";
import type { SupervisedServer } from "../../host/supervise/supervised-server.ts";
import { printEvent } from "./json.ts";
import { compactList, renderTable } from "./table.ts";

export type ViewMode = "tty" | "plain" | "json";

const PROGRESS_INTERVAL_MS = 30_000;

function elapsed(server: SupervisedServer): string {
  return server.pid === null ? "-" : `${(((server.endedAt ?? Date.now()) - server.startedAt) / 1000).toFixed(1)}s`;
}

function tableText(servers: readonly SupervisedServer[]): string {
  return renderTable(
    ["SERVER", "GPUS", "PORTS", "STATE", "ELAPSED", "PID", "URL"],
    servers.map((server) => [
      server.label,
      compactList(server.gpus.map((gpu) => gpu.index)),
      `${server.placement.ports.first}-${server.placement.ports.last}`,
      server.state + (server.restarts > 0 ? ` (restarts ${server.restarts})` : ""),
      elapsed(server),
      String(server.pid ?? "-"),
      server.launch.url || "(member)",
    ]),
  );
}

/** The quiet logger of the plain and JSON views, where the terminal logger is never loaded. */
const NO_LOGGER: TerminalLogger = { error() {}, warn() {}, success() {} };

/**
 * "s0 healthy after 0.2s (pid 12)", "s1 stopped: killed by SIGTERM (pid 13)", "s2 failed: exited with code 1
 * during start-up (pid 14)": a state, then why, in words that read as one sentence.
 */
export function stateLine(label: string, state: string, detail: string | undefined, pid: number | null): string {
  const why = !detail ? "" : state === "healthy" || state === "starting" ? ` ${detail}` : `: ${detail.replace(/^was /, "")}`;
  return `${label} ${state}${why}${pid ? ` (pid ${pid})` : ""}`;
}

/**
 * The live table redraws itself by moving the cursor up over it: on a terminal too short or too narrow for
 * it, wrapped or scrolled lines would be left behind as stale copies, so berth uses plain lines there.
 */
export function tableFits(servers: readonly SupervisedServer[], io: Pick<Io, "rows" | "columns">): boolean {
  const lines = tableText(servers).split("\n").filter(Boolean);
  // A size of 0 (a pty whose size nobody set, as under script(1)) is no size: assume the usual 24×80.
  const rows = io.rows || 24;
  const columns = io.columns || 80;
  return lines.length + 2 <= rows && lines.every((line) => line.length < columns);
}

export function createRunView(io: Io, requested: ViewMode, servers: readonly SupervisedServer[], addrsEnv: boolean, logger: TerminalLogger = NO_LOGGER): RunView & { close(): void } {
  const mode: ViewMode = requested === "tty" && !tableFits(servers, io) ? "plain" : requested;
  const event = (name: string, fields: Record<string, unknown>) => printEvent(io, name, fields);
  let drawnLines = 0;
  const clearTable = () => {
    if (drawnLines > 0) io.stderr(`\x1b[${drawnLines}F\x1b[J`);
    drawnLines = 0;
  };
  const drawTable = () => {
    const text = tableText(servers);
    io.stderr(text);
    drawnLines = text.split("\n").length - 1;
  };
  const above = (write: () => void) => {
    if (mode !== "tty") return write();
    clearTable();
    write();
    drawTable();
  };
  const ticker = mode === "tty" ? setInterval(() => above(() => {}), 1000) : undefined;
  // Off a terminal, a long start-up still shows progress: one line every 30 s naming who is not ready yet.
  const progress = mode === "plain" ? setInterval(() => {
    const waiting = servers.filter((server) => server.state === "starting" || server.state === "restarting");
    if (waiting.length > 0) io.stderr(`berth: still waiting for ${waiting.map((server) => `${server.label} (${elapsed(server)})`).join(", ")} to become healthy\n`);
  }, PROGRESS_INTERVAL_MS) : undefined;
  // A node holding only members of multi-node servers has no address of its own to give: say where they are.
  const printAddresses = (addresses: readonly string[]) => {
    if (addresses.length > 0) io.stdout(`AREAL_LLM_SERVER_ADDRS=${addresses.join(",")}\n`);
    else io.stderr("berth: no server on this node serves HTTP (only members of multi-node servers); their addresses are their leaders', printed on the leaders' nodes\n");
  };
  const readyLines = (ready: readonly SupervisedServer[]) => {
    const urls = ready.map((server) => server.launch.url).filter(Boolean);
    const addresses = urls.map((url) => url.replace(/^http:\/\//, ""));
    return { urls, addresses };
  };

  return {
    state(server, detail) {
      if (mode === "json") return event("state", { server: server.server.index, localIndex: server.placement.localIndex, state: server.state, pid: server.pid, detail: detail ?? null });
      if (mode === "plain") return io.stderr(`berth: ${stateLine(server.label, server.state, detail, server.pid)}\n`);
      above(() => {
        if (server.state === "failed") logger.error(stateLine(server.label, server.state, detail, server.pid));
        if (server.state === "restarting") logger.warn(stateLine(server.label, server.state, detail, server.pid));
      });
    },
    line(server, stream, line) {
      const text = `[${server.label}] ${line}\n`;
      if (mode === "json") return io.stderr(text);
      above(() => (stream === "stderr" ? io.stderr(text) : io.stdout(text)));
    },
    ready(ready) {
      const { urls, addresses } = readyLines(ready);
      if (mode === "json") return event("ready", { urls, addresses });
      const print = () => {
        io.stdout(`berth: all ${ready.length} server(s) healthy\n${urls.map((url) => `  ${url}\n`).join("")}`);
        if (addrsEnv) printAddresses(addresses);
      };
      if (mode === "plain") return print();
      above(() => {
        logger.success(`all ${ready.length} server(s) healthy`);
        io.stdout(urls.map((url) => `  ${url}\n`).join(""));
        if (addrsEnv) printAddresses(addresses);
      });
    },
    message(text) {
      if (mode === "json") return event("message", { text });
      if (mode === "plain") return io.stderr(`berth: ${text}\n`);
      above(() => logger.warn(text));
    },
    close() {
      clearInterval(ticker);
      clearInterval(progress);
      if (mode === "tty") above(() => {});
    },
  };
}
