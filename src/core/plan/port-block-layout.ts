// What each backend needs inside its block, as offsets from the block's first port.
import type { InferenceBackend } from "../spec/ast.ts";
import type { PortBlock } from "../types.ts";

export interface BlockLayout {
  width: number;
  http: number;
  dist: number;
  internalFirst: number;
  internalLast: number;
}

/** vLLM scans upward from VLLM_PORT for its internal ports; 16 covers TP/PP/DP helpers with room. */
export const VLLM_INTERNAL_PORTS = 16;

/** SGLang derives its DP-attention ports from --port (ZMQ_TCP_PORT_DELTA=233, up to +239). */
export const SGLANG_PORT_DELTA_FIRST = 233;
export const SGLANG_PORT_DELTA_LAST = 239;

export const BLOCK_LAYOUTS: Record<InferenceBackend, BlockLayout> = {
  vllm: { width: 2 + VLLM_INTERNAL_PORTS, http: 0, dist: 1, internalFirst: 2, internalLast: 1 + VLLM_INTERNAL_PORTS },
  // dist (+1) is --nccl-port; SGLang opens dist+1..+5 itself for multi-node, which stay inside the block.
  sglang: { width: SGLANG_PORT_DELTA_LAST + 1, http: 0, dist: 1, internalFirst: SGLANG_PORT_DELTA_FIRST, internalLast: SGLANG_PORT_DELTA_LAST },
};

export function blockAt(first: number, layout: BlockLayout): PortBlock {
  return {
    first,
    last: first + layout.width - 1,
    http: first + layout.http,
    dist: first + layout.dist,
    internal: { first: first + layout.internalFirst, last: first + layout.internalLast },
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
  };
}
