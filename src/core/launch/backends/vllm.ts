// vLLM: `vllm serve` with berth's host, port, parallel sizes and seed. Every port vLLM would take from a
// fixed default comes from the block; VLLM_RPC_BASE_PATH is a directory berth makes (vLLM binds
// ipc://<base>/<uuid4> there and fails with ENOENT otherwise). A multi-node server runs on vLLM's own
// executor, without Ray: --nnodes, --node-rank, --master-addr/--master-port, and --headless past rank 0.
import { fail, ok, type Issue } from "../../result.ts";
import type { BackendInput, BackendLauncher, LaunchContext, ServerGpu } from "../launch-types.ts";
import { hostForUrl } from "../url-host.ts";
import { spanOf } from "./multi-node.ts";
import { withKvEventsEndpoint } from "./kv-events.ts";

/** sun_path holds 108 bytes with its NUL; vLLM appends "/" and a 36-character uuid4 to the base. */
const SOCKET_PATH_MAX = 107;
const RPC_SUFFIX_BYTES = 37;

/** Only full GPU UUIDs: CUDA reads no MIG or shortened form the same way vLLM's device mapping does. */
const FULL_GPU_UUID = /^GPU-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function uuidProblem(gpus: readonly ServerGpu[], context: LaunchContext, index: number): Issue | undefined {
  if (context.visibleDevices !== "uuid") return undefined;
  const bad = gpus.find((gpu) => !FULL_GPU_UUID.test(gpu.uuid));
  return bad ? { code: "launch.vllm-uuid", message: `--visible-devices uuid: server ${index}'s GPU ${bad.index} has UUID ${bad.uuid}, not a full GPU-xxxxxxxx-… UUID; vLLM takes only those (use --visible-devices index)` } : undefined;
}

/** The RPC base: under the run directory when the longest socket path fits, else a short one of berth's. */
export function rpcBasePath(serverDirectory: string, context: LaunchContext, index: number): string {
  const preferred = `${serverDirectory}/rpc`;
  const fits = new TextEncoder().encode(preferred).length + RPC_SUFFIX_BYTES <= SOCKET_PATH_MAX;
  return fits ? preferred : `${context.shortDirectory}/rpc-${index}`;
}

export const vllmLaunch: BackendLauncher = ({ server, placement, env, context, seed, url, args, serverDirectory, cache, gpus }: BackendInput) => {
  const uuid = uuidProblem(gpus, context, server.index);
  if (uuid) return fail(uuid);
  const ports = placement.ports;
  const named = ports.named;
  env.VLLM_PORT = String(ports.internal.first); // vLLM scans upward from here for its internal ports
  env.VLLM_NIXL_SIDE_CHANNEL_PORT = String(named.nixlSideChannel);
  env.VLLM_P2P_SIDE_CHANNEL_PORT = String(named.p2pSideChannel);
  env.VLLM_EC_SIDE_CHANNEL_PORT = String(named.ecSideChannel);
  env.VLLM_MOONCAKE_BOOTSTRAP_PORT = String(named.bootstrap);
  env.VLLM_CACHE_ROOT = `${cache}/vllm`;
  const rpc = rpcBasePath(serverDirectory, context, server.index);
  env.VLLM_RPC_BASE_PATH = rpc;
  const engine = context.engineCommand ?? ["vllm", "serve"];
  const argv = [...engine, ...withKvEventsEndpoint(args, named.kvEvents), "--host", context.host, "--port", String(ports.http),
    "--tensor-parallel-size", String(server.tp), "--pipeline-parallel-size", String(server.pp), "--seed", seed];
  if (server.nodes) {
    const span = spanOf("vllm", server, placement, context);
    if (!span.ok) return span;
    const { nodes, rank, leader, leaderPort } = span.value;
    argv.push("--nnodes", String(nodes), "--node-rank", String(rank), "--master-addr", hostForUrl(leader).replace(/^\[|\]$/g, ""), "--master-port", String(leaderPort));
    if (rank > 0) argv.push("--headless"); // members serve no HTTP: only the leader has a URL
  }
  return ok({ argv, env, url, directories: [rpc] });
};
