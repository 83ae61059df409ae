// Cuts each node's pool into disjoint blocks, one per server on that node, skipping reserved ports.
import type { Issue } from "../result.ts";
import type { PortRange, ServerPlacement } from "../types.ts";
import { blockAt, type BlockLayout } from "./port-block-layout.ts";
import { backendNamed } from "../launch/backends/index.ts";
import type { ServerSlot } from "./gpu-layout.ts";

/** The port block of the engine a spec component names (every spec engine has one). */
function blockOf(engine: string): BlockLayout {
  return backendNamed(engine).block!;
}

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
function serversByNode(servers: readonly ServerSlot[]): ServerSlot[][] {
  // Plain arrays and indexed loops: `berth plan` runs once in cold, interpreted code, where Maps and
  // iterator destructuring cost more than the work itself (~1 ms for 512 servers).
  const byNode: ServerSlot[][] = [];
  for (let i = 0; i < servers.length; i++) {
    const server = servers[i]!;
    for (let n = 0; n < server.nodes.length; n++) (byNode[server.nodes[n]!] ??= []).push(server);
  }
  return byNode;
}

/** Placements indexed by global server index (leader first for a multi-node server). */
export function portBlocksForNodes(
  servers: readonly ServerSlot[],
  pool: PortRange,
  reserved: readonly PortRange[],
): { placements: ServerPlacement[][]; issues: Issue[] } {
  const placements: ServerPlacement[][] = [];
  const issues: Issue[] = [];
  const byNode = serversByNode(servers);
  for (let node = 0; node < byNode.length; node++) {
    const onNode = byNode[node];
    if (onNode === undefined) continue;
    let cursor = pool.first;
    for (let localIndex = 0; localIndex < onNode.length; localIndex++) {
      const server = onNode[localIndex]!;
      const layout = blockOf(server.component.backend);
      const first = nextWindow(cursor, layout.width, pool, reserved);
      if (first === undefined) {
        const needed = onNode.reduce((sum, each) => sum + blockOf(each.component.backend).width, 0);
        issues.push({
          code: "plan.pool-too-small",
          message: `node ${node} needs ${onNode.length} port blocks (${needed} ports in all) but the pool ${describeRange(pool)}, less reserved ports, holds only ${localIndex}; use a --port-pool of at least ${needed} free ports, e.g. ${pool.first}-${pool.first + needed - 1}`,
        });
        break;
      }
      (placements[server.index] ??= []).push({ node, localIndex, ports: blockAt(first, layout) });
      cursor = first + layout.width;
    }
  }
  return { placements, issues };
}
