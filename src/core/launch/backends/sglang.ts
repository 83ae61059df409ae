// SGLang: `python3 -m sglang.launch_server` with berth's host, port, sizes and seed. It always gets
// --dist-init-addr (127.0.0.1:dist on one node, as AReaL and NeMo-RL pass it; the leader's on many), so no
// port derives from --port + 233 and no --nccl-port is needed (which crashes SGLang with --dp-size > 1).
// Every fixed-default port (bootstraps, the TCP store) and SGLANG_PORT's range come from the block.
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";
import { hostForUrl } from "../url-host.ts";
import { spanOf } from "./multi-node.ts";
import { withKvEventsEndpoint } from "./kv-events.ts";

/** gRPC mode, in any of its spellings: its port comes from the block. */
function wantsGrpc(args: readonly string[]): boolean {
  return args.some((argument) => argument === "--grpc-mode" || argument === "--smg-grpc-mode");
}

export const sglangLaunch: BackendLauncher = ({ server, placement, env, context, seed, url, args }: BackendInput) => {
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
