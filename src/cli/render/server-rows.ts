// One row per server, as `berth status` shows a supervising holder's servers: which GPUs and ports, its state
// and for how long, its pid, restarts, how its last process ended and its last health check.
import { renderTable, compactList } from "./table.ts";
import type { ServerRow, ServerTable } from "../../core/observe/server-table.ts";
import { shortDuration } from "../../core/observe/server-observations.ts";

const HEADER = ["server", "node", "gpus", "port", "block", "state", "for", "pid", "restarts", "last exit", "health"];

function ago(iso: string | null, now: number): string {
  if (iso === null) return "";
  const at = Date.parse(iso);
  return Number.isNaN(at) ? "" : shortDuration(now - at);
}

function lastExit(row: ServerRow, now: number): string {
  if (!row.lastExit) return "-";
  const how = row.lastExit.code !== null ? `code ${row.lastExit.code}` : (row.lastExit.signal ?? "?");
  return `${how}, ${ago(row.lastExit.at, now)} ago`;
}

function health(row: ServerRow, now: number): string {
  if (!row.health) return row.role === "member" ? "(its leader's)" : "-";
  const what = row.health.ok ? `${row.health.status ?? "ok"} in ${row.health.latencyMs < 10 ? row.health.latencyMs.toFixed(1) : Math.round(row.health.latencyMs)} ms` : (row.health.error ?? "failed");
  return `${what}, ${ago(row.health.at, now)} ago`;
}

function cells(row: ServerRow, now: number): string[] {
  const label = row.name ? `s${row.index} ${row.name}` : `s${row.index}`;
  return [
    label, String(row.node), compactList(row.gpus.map((gpu) => gpu.index)) || "-", row.role === "member" ? "-" : String(row.ports.http), `${row.ports.first}-${row.ports.last}`,
    row.state, ago(row.since, now), row.pid === null ? "-" : String(row.pid), String(row.restarts), lastExit(row, now), health(row, now),
  ];
}

/** The rows, indented under their holder; and a word when the table has not been rewritten for a while. */
export function renderServerRows(table: ServerTable, now: number, indent = "  "): string {
  const text = renderTable(HEADER, table.servers.map((row) => cells(row, now)));
  const silentMs = now - Date.parse(table.heartbeatAt);
  const stale = silentMs > 3 * table.heartbeatEveryMs ? `${indent}(not rewritten for ${shortDuration(silentMs)}: its berth may be stalled)\n` : "";
  return stale + text.split("\n").filter(Boolean).map((line) => `${indent}${line}\n`).join("");
}
