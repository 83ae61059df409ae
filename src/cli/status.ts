// `berth status`: what berth holds on this host right now, grouped by holder.
import { defineBerthCommand } from "./command.ts";
import { RefusalError } from "./errors.ts";
import { printJson } from "./render/json.ts";
import { compactList } from "./render/table.ts";
import { EXIT } from "../core/exit.ts";
import { listReservations, openRegistry, type HeldReservation } from "../host/registry.ts";

function renderByHolder(reservations: readonly HeldReservation[], directory: string): string {
  if (reservations.length === 0) return `nothing is held (registry ${directory})\n`;
  const byPid = new Map<number, HeldReservation[]>();
  for (const reservation of reservations) byPid.set(reservation.pid, [...(byPid.get(reservation.pid) ?? []), reservation]);
  let text = `registry ${directory}: ${reservations.length} reservation${reservations.length === 1 ? "" : "s"} by ${byPid.size} holder${byPid.size === 1 ? "" : "s"}\n`;
  for (const [pid, held] of byPid) {
    const first = held[0]!;
    text += `\npid ${pid}  ${first.role}  since ${first.startedAt}\n  command: ${first.command}\n`;
    const ports = held.filter((entry) => entry.kind === "port").map((entry) => Number(entry.id));
    const gpus = held.filter((entry) => entry.kind === "gpu").map((entry) => entry.id);
    if (ports.length > 0) text += `  ports (${ports.length}): ${compactList(ports)}\n`;
    if (gpus.length > 0) text += `  gpus (${gpus.length}): ${gpus.join(", ")}\n`;
  }
  return text;
}

export const statusCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  async run({ options, io }) {
    const registry = await openRegistry(io.env);
    if (!registry.ok) throw new RefusalError(registry.refusal);
    const reservations = await listReservations(registry.registry);
    if (options.json) {
      printJson(io, {
        registry: registry.registry.directory,
        reservations: reservations.map(({ kind, id, pid, startedAt, role, command }) => ({ kind, id: kind === "port" ? Number(id) : id, pid, startedAt, role, command })),
      });
    } else io.stdout(renderByHolder(reservations, registry.registry.directory));
    return EXIT.ok;
  },
});
