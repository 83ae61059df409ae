// The human view of a plan: one row per server, then where training lands.
import type { Plan } from "../../core/types.ts";
import { compactList, renderTable } from "./table.ts";

/** The plan is the layout before the host has its say; `plan --json` carries the same words. */
export const PLACEMENT_MAY_MOVE = "This is the deterministic layout: on a shared node, berth run moves a server whose planned GPUs or ports another launch holds (or that are busy or in MIG mode) to free ones, and says so.";

export function renderPlanTable(plan: Plan, nodeRank: number | undefined): string {
  const onNode = (node: number) => nodeRank === undefined || node === nodeRank;
  const serverRows = plan.servers
    .flatMap((server) => server.placements.map((placement) => ({ server, placement })))
    .filter(({ placement }) => onNode(placement.node))
    .map(({ server, placement }) => [
      String(server.index),
      server.name ? `${server.backend}[${server.name}]` : server.backend,
      String(placement.node) + (server.nodes ? (placement.node === server.node ? " (leader)" : " (member)") : ""),
      String(placement.localIndex),
      compactList(server.gpus),
      `t${server.tp}p${server.pp}`,
      `${placement.ports.first}-${placement.ports.last}`,
      String(placement.ports.http),
      String(placement.ports.dist),
    ]);
  const pool = `${plan.portPool.first}-${plan.portPool.last}`;
  let text = `${plan.spec}: ${plan.nodes} node${plan.nodes === 1 ? "" : "s"} × ${plan.gpusPerNode} GPUs, port pool ${pool}\n\n`;
  text += serverRows.length > 0 ? renderTable(["SERVER", "BACKEND", "NODE", "LOCAL", "GPUS", "SIZE", "PORTS", "HTTP", "DIST"], serverRows) : "no inference servers\n";
  const trainingRows = plan.training
    .filter((entry) => onNode(entry.node))
    .map((entry) => [entry.name ?? "-", entry.backend, String(entry.node), compactList(entry.gpus)]);
  if (trainingRows.length > 0) text += `\ntraining (planned, never launched by berth)\n${renderTable(["NAME", "BACKEND", "NODE", "GPUS"], trainingRows)}`;
  const unusedRows = plan.unusedGpus.filter((entry) => onNode(entry.node)).map((entry) => [String(entry.node), compactList(entry.gpus)]);
  if (unusedRows.length > 0) text += `\nunused GPUs\n${renderTable(["NODE", "GPUS"], unusedRows)}`;
  if (serverRows.length > 0) text += `\n${PLACEMENT_MAY_MOVE}\n`;
  return text;
}
