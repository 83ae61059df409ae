// SGLang: `python3 -m sglang.launch_server` with berth's host, port, sizes and seed. It always gets
// --dist-init-addr (127.0.0.1:dist on one node, as AReaL and NeMo-RL pass it; the leader's on many), so no
// port derives from --port + 233 and no --nccl-port is needed (which crashes SGLang with --dp-size > 1).
// Every fixed-default port (bootstraps, the TCP store) and SGLANG_PORT's range come from the block.
import { fail, ok } from "../../result.ts";
import type { BlockLayout } from "../../plan/port-block-layout.ts";
import type { BackendInput, BackendLauncher, EngineBackend } from "../launch-types.ts";
import { hostForUrl } from "../url-host.ts";
import { spanOf } from "./multi-node.ts";
import { withKvEventsEndpoint } from "./kv-events.ts";

/**
 * The block (SGLang d315eb72; README "Ports inside a block"), always with --dist-init-addr <host>:dist (so
 * nothing derives from --port + 233): with DP attention it opens dist+1..+6 and the handshake at dist+13
 * (offsets 2-7 and 14; 13 and 15 stay free for the --port + 13 spelling and slack). SGLANG_PORT is the base
 * of an 8-port range (16-23). Then the fixed defaults: disaggregation bootstrap 8998, encoder bootstrap 8997,
 * engine-info bootstrap 6789, KV events, SGLANG_TCP_STORE_PORT 29600; the gRPC port (SGLANG_GRPC_PORT, else
 * --port + 10000 in gRPC mode) and the HTTP sidecar's. 32 ports, where cutting around --port + 233..239 took 240.
 */
const BLOCK: BlockLayout = {
  width: 32,
  http: 0,
  dist: 1,
  internalFirst: 16,
  internalLast: 23,
  named: { bootstrap: 24, encoderBootstrap: 25, engineInfoBootstrap: 26, kvEvents: 27, tcpStore: 28, grpc: 29, sidecar: 30 },
};

// SGLang's own data parallelism is refused, as vLLM's is: berth's unit is the server.
const OWNED_FLAGS = [
  "--host", "--port", "--tp-size", "--tensor-parallel-size", "--tp", "--pp-size", "--pipeline-parallel-size",
  "--dp-size", "--data-parallel-size", "--dp", "--gpu-id-step", "--base-gpu-id",
  "--nccl-port", "--random-seed", "--nnodes", "--node-rank", "--dist-init-addr", "--nccl-init-addr",
  "--disaggregation-bootstrap-port", "--encoder-bootstrap-port", "--engine-info-bootstrap-port",
  "--grpc-port", "--smg-http-sidecar-port", "--grpc-http-sidecar-port",
];

const OWNED_VARIABLES = ["SGLANG_PORT", "SGLANG_TCP_STORE_PORT", "SGLANG_DISTRIBUTED_INIT_METHOD_OVERRIDE", "SGLANG_RUST_SERVER", "SGLANG_GRPC_PORT"];

/** gRPC mode, in any of its spellings: its port comes from the block. */
function wantsGrpc(args: readonly string[]): boolean {
  return args.some((argument) => argument === "--grpc-mode" || argument === "--smg-grpc-mode");
}

const sglangLaunch: BackendLauncher = ({ server, placement, env, context, seed, url, args }: BackendInput) => {
  if (context.visibleDevices === "uuid") {
    // SGLang's custom all-reduce parses CUDA_VISIBLE_DEVICES entries as integers and crashes at TP > 1.
    return fail({ code: "launch.sglang-uuid", message: `--visible-devices uuid cannot be used with SGLang (server ${server.index}): it parses CUDA_VISIBLE_DEVICES as integers; use --visible-devices index` });
  }
  const ports = placement.ports;
  const named = ports.named;
  env.SGLANG_PORT = String(ports.internal.first); // the base of SGLang's own 8-port range
  env.SGLANG_TCP_STORE_PORT = String(named.tcpStore);
  env.SGLANG_GRPC_PORT = String(named.grpc); // --grpc-port's fallback: gRPC mode would otherwise take --port + 10000
  const engine = context.engineCommand ?? ["python3", "-m", "sglang.launch_server"];
  const argv = [...engine, ...withKvEventsEndpoint(args, named.kvEvents), "--host", context.host, "--port", String(ports.http),
    "--tp-size", String(server.tp), "--pp-size", String(server.pp), "--random-seed", seed,
    "--disaggregation-bootstrap-port", String(named.bootstrap), "--encoder-bootstrap-port", String(named.encoderBootstrap),
    "--engine-info-bootstrap-port", String(named.engineInfoBootstrap)];
  if (wantsGrpc(args)) argv.push("--grpc-port", String(named.grpc));
  if (args.includes("--sidecar")) argv.push("--smg-http-sidecar-port", String(named.sidecar));
  if (!server.nodes) {
    argv.push("--dist-init-addr", `127.0.0.1:${ports.dist}`);
    return ok({ argv, env, url, directories: [] });
  }
  const span = spanOf("sglang", server, placement, context);
  if (!span.ok) return span;
  const { nodes, rank, leader, leaderPort } = span.value;
  argv.push("--nnodes", String(nodes), "--node-rank", String(rank), "--dist-init-addr", `${hostForUrl(leader)}:${leaderPort}`);
  return ok({ argv, env, url, directories: [] });
};

export const sglangBackend = {
  name: "sglang",
  summary: "python3 -m sglang.launch_server",
  block: BLOCK,
  ownedFlags: OWNED_FLAGS,
  ownedVariables: OWNED_VARIABLES,
  launch: sglangLaunch,
  metricsUrl: (url, argv) => (argv.includes("--enable-metrics") ? `${url}/metrics` : null), // only when asked
} as const satisfies EngineBackend;
