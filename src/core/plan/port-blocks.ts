// Cuts each node's pool into disjoint blocks, one per server on that node, skipping reserved ports.
import type { Issue } from "../result.ts";
import type { PortRange, ServerPlacement } from "../types.ts";
import { BLOCK_LAYOUTS, blockAt } from "./port-block-layout.ts";
import type { ServerSlot } from "./gpu-layout.ts";

/** The first port ≥ from where `width` consecutive ports avoid every reserved range and stay in the pool. */
export function nextWindow(from: number, width: number, pool: PortRange, reserved: readonly PortRange[]): number | undefined {
  let first = Math.max(from, pool.first);
  for (;;) {
    const last = first + width - 1;
    if (last > pool.last) return undefined;
    let clashEnd = -1;
    for (const range of reserved) if (range.first <= last && range.last >= first) clashEnd = Math.max(clashEnd, range.last);
    if (clashEnd === -1) return first;
    first = clashEnd + 1;
  }
}

function describeRange(range: PortRange): string {
  return `${range.first}-${range.last}`;
}

/** Servers present on each node, in global index order; a multi-node server appears on each of its nodes. */
function serversByNode(servers: readonly ServerSlot[]): Map<number, ServerSlot[]> {
  const byNode = new Map<number, ServerSlot[]>();
  for (const server of servers) {
    for (const node of server.nodes) {
      const list = byNode.get(node) ?? [];
      list.push(server);
      byNode.set(node, list);
    }
  }
  return byNode;
}

export function portBlocksForNodes(
  servers: readonly ServerSlot[],
  pool: PortRange,
  reserved: readonly PortRange[],
): { placements: Map<number, ServerPlacement[]>; issues: Issue[] } {
  const placements = new Map<number, ServerPlacement[]>();
  const issues: Issue[] = [];
  for (const [node, onNode] of serversByNode(servers)) {
    let cursor = pool.first;
    const needed = onNode.reduce((sum, server) => sum + BLOCK_LAYOUTS[server.component.backend].width, 0);
    for (const [localIndex, server] of onNode.entries()) {
      const layout = BLOCK_LAYOUTS[server.component.backend];
      const first = nextWindow(cursor, layout.width, pool, reserved);
      if (first === undefined) {
        issues.push({
          code: "plan.pool-too-small",
          message: `node ${node} needs ${onNode.length} port blocks (${needed} ports in all) but the pool ${describeRange(pool)}, less reserved ports, holds only ${localIndex}; use a --port-pool of at least ${needed} free ports, e.g. ${pool.first}-${pool.first + needed - 1}`,
        });
        break;
      }
      const list = placements.get(server.index) ?? [];
      list.push({ node, localIndex, ports: blockAt(first, layout) });
      placements.set(server.index, list);
      cursor = first + layout.width;
    }
  }
  return { placements, issues };
}
