// A supervising berth's servers as `berth status` reads them back from the registry (the manifest it keeps
// there): checked field by field like any record others could write, and only the fields status shows.
import { count, fieldsProblem, oneOf, parseJson, text, within, type Check, type Fields } from "../record-checks.ts";

/** Which server, where and on which GPUs: what every view of a server starts with. */
export interface ServerIdentity {
  index: number;
  node: number;
  localIndex: number;
  name: string | null;
  backend: string;
  role: string;
  gpus: { index: number; uuid: string }[];
}

export interface ServerRow extends ServerIdentity {
  ports: { http: number; first: number; last: number };
  url: string;
  metricsUrl: string | null;
  pid: number | null;
  state: string;
  since: string | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; at: string | null } | null;
  health: { ok: boolean; status: number | null; latencyMs: number; error: string | null; at: string | null } | null;
  healthyAfterMs: number | null;
}

export interface ServerTable {
  supervisor: { pid: number; startedAt: string; metricsUrl: string | null };
  heartbeatAt: string;
  heartbeatEveryMs: number;
  servers: ServerRow[];
}

const orNull = (check: Check): Check => (value) => value === null || check(value);
const number: Check = (value) => typeof value === "number" && Number.isFinite(value) && value >= 0;
const bool: Check = (value) => typeof value === "boolean";
const port = within(1, 65535);
const iso = text(40);
const object = (fields: Fields): Check => (value) => fieldsProblem(value, fields) === undefined;

const GPU: Check = object({ index: count, uuid: text(100) });
const SERVER_FIELDS: Fields = {
  index: count, node: count, localIndex: count, name: orNull(text(200)), backend: text(32), role: oneOf("single", "leader", "member"),
  gpus: (value) => Array.isArray(value) && value.length <= 1024 && value.every(GPU),
  ports: object({ http: port, first: port, last: port }),
  url: text(300), metricsUrl: orNull(text(320)), pid: orNull(within(1, 2 ** 32)),
  state: oneOf("starting", "healthy", "unhealthy", "restarting", "failed", "stopped"), since: orNull(iso), restarts: count,
  lastExit: orNull(object({ code: orNull(count), signal: orNull(text(16)), at: orNull(iso) })),
  health: orNull(object({ ok: bool, status: orNull(count), latencyMs: number, error: orNull(text(160)), at: orNull(iso) })),
  healthyAfterMs: orNull(number),
};
const TABLE_FIELDS: Fields = {
  supervisor: object({ pid: within(1, 2 ** 32), startedAt: iso, metricsUrl: orNull(text(320)) }),
  heartbeatAt: iso, heartbeatEveryMs: count,
  servers: (value) => Array.isArray(value) && value.length <= 65536,
};

/** The table, or why it is not one (one line). */
export function parseServerTable(json: string): { ok: true; table: ServerTable } | { ok: false; why: string } {
  const parsed = parseJson(json);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  const top = fieldsProblem(value, TABLE_FIELDS);
  if (top) return { ok: false, why: top };
  const servers = (value as { servers: unknown[] }).servers;
  for (let position = 0; position < servers.length; position++) {
    const problem = fieldsProblem(servers[position], SERVER_FIELDS, {}, `servers.${position}.`);
    if (problem) return { ok: false, why: problem };
  }
  const table = value as ServerTable & { servers: Record<string, unknown>[] };
  // Only what status shows goes on: a forged file cannot smuggle fields into status --json.
  return { ok: true, table: { supervisor: table.supervisor, heartbeatAt: table.heartbeatAt, heartbeatEveryMs: table.heartbeatEveryMs, servers: table.servers.map(pick) } };
}

function pick(server: Record<string, unknown>): ServerRow {
  const row: Record<string, unknown> = {};
  for (const name of Object.keys(SERVER_FIELDS)) row[name] = server[name];
  const ports = server.ports as ServerRow["ports"];
  row.ports = { http: ports.http, first: ports.first, last: ports.last };
  return row as unknown as ServerRow;
}
