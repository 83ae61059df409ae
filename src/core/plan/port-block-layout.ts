// What a backend needs inside its block, as offsets from the block's first port; each engine's own layout is
// in its module (src/core/launch/backends/), laid out from what the engine really opens. Every port an
// engine would otherwise take from a fixed default (5600, 8998, 5557…) gets one of its own there, so
// co-located servers never collide on them.
import type { NamedPorts, PortBlock } from "../types.ts";

export interface BlockLayout {
  width: number;
  http: number;
  dist: number;
  internalFirst: number;
  internalLast: number;
  named: NamedPorts;
}


function offsetNamed(named: NamedPorts, by: number): NamedPorts {
  const moved: NamedPorts = {};
  for (const key in named) moved[key as keyof NamedPorts] = named[key as keyof NamedPorts]! + by;
  return moved;
}

export function blockAt(first: number, layout: BlockLayout): PortBlock {
  return {
    first,
    last: first + layout.width - 1,
    http: first + layout.http,
    dist: first + layout.dist,
    internal: { first: first + layout.internalFirst, last: first + layout.internalLast },
    named: offsetNamed(layout.named, first),
  };
}

/** The same block moved to start at `first`: every port keeps its offset, whatever the backend's layout. */
export function shiftBlock(block: PortBlock, first: number): PortBlock {
  const delta = first - block.first;
  return {
    first,
    last: block.last + delta,
    http: block.http + delta,
    dist: block.dist + delta,
    internal: { first: block.internal.first + delta, last: block.internal.last + delta },
    named: offsetNamed(block.named, delta),
  };
}
