// `berth status`: what berth holds on this host right now, by holder: each holding process once, with its
// ports as ranges, its GPUs and, for a --ttl holder, when it lets go.
import { defineBerthCommand } from "./command.ts";
import { RefusalError } from "./errors.ts";
import { printJson } from "./render/json.ts";
import { EXIT } from "../core/exit.ts";
import { groupByHolder, type HolderSummary } from "../core/registry/holders.ts";
import { describeHolderPid } from "../core/registry/holder-identity.ts";
import { listReservations, openRegistry } from "../host/registry/registry.ts";
import { ownPidNamespace } from "../host/process/self-process.ts";

function ranges(holder: HolderSummary): string {
  return holder.ports.map((range) => (range.first === range.last ? String(range.first) : `${range.first}-${range.last}`)).join(",");
}

function renderByHolder(holders: readonly HolderSummary[], directory: string, ourPidNamespace: string | undefined): string {
  const total = holders.reduce((sum, holder) => sum + holder.portCount + holder.gpus.length, 0);
  if (total === 0) return `nothing is held (registry ${directory})\n`;
  let text = `registry ${directory}: ${total} reservation${total === 1 ? "" : "s"} by ${holders.length} holder${holders.length === 1 ? "" : "s"}\n`;
  for (const holder of holders) {
    text += `\n${describeHolderPid(holder, ourPidNamespace, holder.seenAsPid)}  ${holder.role}  since ${holder.startedAt}${holder.expiresAt ? `  until ${holder.expiresAt}` : ""}\n  command: ${holder.command}\n`;
    if (holder.portCount > 0) text += `  ports (${holder.portCount}): ${ranges(holder)}\n`;
    if (holder.gpus.length > 0) text += `  gpus (${holder.gpus.length}): ${holder.gpus.join(", ")}\n`;
  }
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
    const holders = groupByHolder(await listReservations(registry.registry));
    if (options.json) printJson(io, { registry: registry.registry.directory, holders });
    else io.stdout(renderByHolder(holders, registry.registry.directory, ownPidNamespace()));
    return EXIT.ok;
  },
});
