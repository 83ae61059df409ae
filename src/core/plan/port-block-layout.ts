// What each backend needs inside its block, as offsets from the block's first port, laid out from what the
// engines really open (vLLM 0a111cca, SGLang d315eb72; see README "Ports inside a block"). Every port an
// engine would otherwise take from a fixed default (5600, 8998, 5557…) gets one of its own here, so
// co-located servers never collide on them.
import type { InferenceBackend } from "../spec/ast.ts";
import type { NamedPorts, PortBlock } from "../types.ts";

export interface BlockLayout {
  width: number;
  http: number;
  dist: number;
  internalFirst: number;
  internalLast: number;
  named: NamedPorts;
}

/**
 * vLLM: --port, the multi-node --master-port, one port per side channel and bootstrap that vLLM reads from
 * a fixed-default variable (NIXL 5600, P2P 5710, EC 5601, Mooncake 8998), KV events, then VLLM_PORT: vLLM
 * takes 0-1 ports from it at DP=1 (up to ~5 with internal DP), scanning upward with a plain bind.
 */
const VLLM_LAYOUT: BlockLayout = {
  width: 16,
  http: 0,
  dist: 1,
  named: { nixlSideChannel: 2, p2pSideChannel: 3, ecSideChannel: 4, bootstrap: 5, kvEvents: 6 },
  internalFirst: 7,
  internalLast: 15,
};

/**
 * SGLang, always given --dist-init-addr <host>:dist (so nothing derives from --port + 233): with DP
 * attention it opens dist+1..+6 and the handshake at dist+13 (offsets 2-7 and 14; 13 and 15 stay free for
 * the --port + 13 spelling and slack). SGLANG_PORT is the base of an 8-port range (16-23). Then the fixed
 * defaults: disaggregation bootstrap 8998, encoder bootstrap 8997, engine-info bootstrap 6789, KV events,
 * SGLANG_TCP_STORE_PORT 29600; the gRPC port (SGLANG_GRPC_PORT, else --port + 10000 in gRPC mode) and the
 * HTTP sidecar's. 32 ports, where cutting around --port + 233..239 took 240.
 */
const SGLANG_LAYOUT: BlockLayout = {
  width: 32,
  http: 0,
  dist: 1,
  internalFirst: 16,
  internalLast: 23,
  named: { bootstrap: 24, encoderBootstrap: 25, engineInfoBootstrap: 26, kvEvents: 27, tcpStore: 28, grpc: 29, sidecar: 30 },
};

export const BLOCK_LAYOUTS: Record<InferenceBackend, BlockLayout> = { vllm: VLLM_LAYOUT, sglang: SGLANG_LAYOUT };

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
