// `berth status`: what berth holds on this host right now, by holder: each holding process once, with its
// ports as ranges, its GPUs and, for a --ttl holder, when it lets go; under each supervising berth, one row
// per server (status-rows). Holders are judged alive by their locks (across pid namespaces too), the process
// that really keeps a lock is named where the holder is gone, and reservations of berths with other
// registries show through their kernel guards. With --rendezvous, the whole job instead (status-job.ts);
// with --watch, again every so often until Ctrl-C.
import { defineBerthCommand } from "./command.ts";
import { RefusalError } from "./errors.ts";
import { printJson } from "./render/json.ts";
import type { Io } from "./io.ts";
import { durationOption } from "./option-kinds.ts";
import { RENDEZVOUS_OPTIONS, rendezvousChoice } from "./rendezvous-options.ts";
import { ENDED } from "../core/exit.ts";
import { groupByHolder, type HolderSummary } from "../core/registry/holders.ts";
import { describeHolderPid } from "../core/registry/holder-identity.ts";
import type { ServerTable } from "../core/observe/server-table.ts";
import { listReservations, openRegistry } from "../host/registry/registry.ts";
import { findKeepers, holdersOutsideRegistry } from "../host/registry/other-holders.ts";
import { readServerTables } from "../host/registry/server-tables.ts";
import { ownPidNamespace } from "../host/process/self-process.ts";
import { renderServerRows } from "./render/server-rows.ts";
import { watchEvery, type Snapshot } from "./watch-loop.ts";

function ranges(holder: HolderSummary): string {
  return holder.ports.map((range) => (range.first === range.last ? String(range.first) : `${range.first}-${range.last}`)).join(",");
}

function describeHolder(holder: HolderSummary, ourPidNamespace: string | undefined): string {
  const who = describeHolderPid(holder, ourPidNamespace, holder.seenAsPid);
  const kept = holder.keptBy ? ` (exited; its locks are kept by pid ${holder.keptBy.pid}: ${holder.keptBy.command})` : "";
  const since = holder.startedAt ? `  since ${holder.startedAt}` : "";
  return `\n${who}${kept}  ${holder.role}${since}${holder.expiresAt ? `  until ${holder.expiresAt}` : ""}\n  command: ${holder.command}\n`;
}

function renderHolders(holders: readonly HolderSummary[], tables: ReadonlyMap<HolderSummary, ServerTable>, ourPidNamespace: string | undefined, now: number): string {
  let text = "";
  for (const holder of holders) {
    text += describeHolder(holder, ourPidNamespace);
    if (holder.portCount > 0) text += `  ports (${holder.portCount}): ${ranges(holder)}\n`;
    if (holder.gpus.length > 0) text += `  gpus (${holder.gpus.length}): ${holder.gpus.join(", ")}\n`;
    const table = tables.get(holder);
    if (table) text += `  servers (${table.servers.length}):\n${renderServerRows(table, now, "    ")}`;
  }
  return text;
}

interface NodeStatus {
  directory: string;
  holders: HolderSummary[];
  outside: HolderSummary[];
  tables: Map<HolderSummary, ServerTable>;
}

function renderNodeStatus(status: NodeStatus, now: number): string {
  const { holders, outside, directory, tables } = status;
  const ourPidNamespace = ownPidNamespace();
  const count = (list: readonly HolderSummary[]) => list.reduce((sum, holder) => sum + holder.portCount + holder.gpus.length, 0);
  const total = count(holders);
  let text = total === 0 ? `nothing is held (registry ${directory})\n` : `registry ${directory}: ${total} reservation${total === 1 ? "" : "s"} by ${holders.length} holder${holders.length === 1 ? "" : "s"}\n${renderHolders(holders, tables, ourPidNamespace, now)}`;
  if (outside.length > 0) text += `\nheld by berths of other registries (seen through their kernel guards): ${count(outside)} reservation(s)\n${renderHolders(outside, new Map(), ourPidNamespace, now)}`;
  return text;
}

function nodeStatusJson(status: NodeStatus): object {
  const holders = status.holders.map((holder) => {
    const table = status.tables.get(holder);
    if (!table) return holder;
    return { ...holder, supervisor: { ...table.supervisor, heartbeatAt: table.heartbeatAt }, servers: table.servers };
  });
  return { registry: status.directory, holders, outsideRegistry: status.outside };
}

async function nodeSnapshot(io: Io): Promise<Snapshot> {
  const registry = await openRegistry(io.env);
  if (!registry.ok) throw new RefusalError(registry.refusal);
  const reservations = await listReservations(registry.registry);
  const holders = groupByHolder(reservations);
  findKeepers(holders, registry.registry.directory, reservations);
  const status: NodeStatus = { directory: registry.registry.directory, holders, outside: holdersOutsideRegistry(reservations), tables: readServerTables(registry.registry.directory, holders) };
  return { json: () => nodeStatusJson(status), text: () => renderNodeStatus(status, Date.now()) };
}

export const statusCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {
    ...RENDEZVOUS_OPTIONS,
    watch: durationOption({ description: "Show it again every this long (e.g. 2s) until Ctrl-C; with --json, one document per line (0: once)", default: 0 }),
  },
  examples: ["berth status", "berth status --json", "berth status --watch 2s", "berth status --rendezvous /shared/rdv --job train-7"],
  async run({ options, origins, io }) {
    const choice = await rendezvousChoice(options, origins, io.env, "berth status");
    const warn = (message: string) => io.stderr(`berth: warning: ${message}\n`);
    const snapshot = choice ? (await import("./status-job.ts")).jobSnapshots(choice, warn) : () => nodeSnapshot(io);
    if (options.watch === 0) {
      const once = await snapshot();
      if (options.json) printJson(io, once.json());
      else io.stdout(once.text());
      return once.ending ?? ENDED.ok;
    }
    return watchEvery(io, options.watch, options.json, snapshot);
  },
});
