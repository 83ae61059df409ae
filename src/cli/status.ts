// `berth status`: what berth holds on this host right now, by holder: each holding process once, with its
// ports as ranges, its GPUs and, for a --ttl holder, when it lets go. Holders are judged alive by their locks
// (across pid namespaces too), the process that really keeps a lock is named where the holder is gone, and
// reservations of berths with other registries show through their kernel guards.
import { defineBerthCommand } from "./command.ts";
import { RefusalError } from "./errors.ts";
import { printJson } from "./render/json.ts";
import { EXIT } from "../core/exit.ts";
import { groupByHolder, type HolderSummary } from "../core/registry/holders.ts";
import { describeHolderPid } from "../core/registry/holder-identity.ts";
import { listReservations, openRegistry } from "../host/registry/registry.ts";
import { findKeepers, holdersOutsideRegistry } from "../host/registry/other-holders.ts";
import { ownPidNamespace } from "../host/process/self-process.ts";

function ranges(holder: HolderSummary): string {
  return holder.ports.map((range) => (range.first === range.last ? String(range.first) : `${range.first}-${range.last}`)).join(",");
}

function describeHolder(holder: HolderSummary, ourPidNamespace: string | undefined): string {
  const who = describeHolderPid(holder, ourPidNamespace, holder.seenAsPid);
  const kept = holder.keptBy ? ` (exited; its locks are kept by pid ${holder.keptBy.pid}: ${holder.keptBy.command})` : "";
  const since = holder.startedAt ? `  since ${holder.startedAt}` : "";
  return `\n${who}${kept}  ${holder.role}${since}${holder.expiresAt ? `  until ${holder.expiresAt}` : ""}\n  command: ${holder.command}\n`;
}

function renderHolders(holders: readonly HolderSummary[], ourPidNamespace: string | undefined): string {
  let text = "";
  for (const holder of holders) {
    text += describeHolder(holder, ourPidNamespace);
    if (holder.portCount > 0) text += `  ports (${holder.portCount}): ${ranges(holder)}\n`;
    if (holder.gpus.length > 0) text += `  gpus (${holder.gpus.length}): ${holder.gpus.join(", ")}\n`;
  }
  return text;
}

function renderByHolder(holders: readonly HolderSummary[], outside: readonly HolderSummary[], directory: string, ourPidNamespace: string | undefined): string {
  const count = (list: readonly HolderSummary[]) => list.reduce((sum, holder) => sum + holder.portCount + holder.gpus.length, 0);
  const total = count(holders);
  let text = total === 0 ? `nothing is held (registry ${directory})\n` : `registry ${directory}: ${total} reservation${total === 1 ? "" : "s"} by ${holders.length} holder${holders.length === 1 ? "" : "s"}\n${renderHolders(holders, ourPidNamespace)}`;
  if (outside.length > 0) text += `\nheld by berths of other registries (seen through their kernel guards): ${count(outside)} reservation(s)\n${renderHolders(outside, ourPidNamespace)}`;
  return text;
}

export const statusCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  examples: ["berth status", "berth status --json"],
  async run({ options, io }) {
    const registry = await openRegistry(io.env);
    if (!registry.ok) throw new RefusalError(registry.refusal);
    const reservations = await listReservations(registry.registry);
    const holders = groupByHolder(reservations);
    findKeepers(holders, registry.registry.directory, reservations);
    const outside = holdersOutsideRegistry(reservations);
    if (options.json) printJson(io, { registry: registry.registry.directory, holders, outsideRegistry: outside });
    else io.stdout(renderByHolder(holders, outside, registry.registry.directory, ownPidNamespace()));
    return EXIT.ok;
  },
});
