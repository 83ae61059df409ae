// vLLM: `vllm serve` with berth's host, port, parallel sizes and seed. Every port vLLM would take from a
// fixed default comes from the block; VLLM_RPC_BASE_PATH is a directory berth makes (vLLM binds
// ipc://<base>/<uuid4> there and fails with ENOENT otherwise). A multi-node server runs on vLLM's own
// executor, without Ray: --nnodes, --node-rank, --master-addr/--master-port, and --headless past rank 0.
import { fail, ok, type Issue } from "../../result.ts";
import type { BlockLayout } from "../../plan/port-block-layout.ts";
import type { BackendInput, BackendLauncher, EngineBackend, LaunchContext, ServerGpu } from "../launch-types.ts";
import { hostForUrl } from "../url-host.ts";
import { spanOf } from "./multi-node.ts";
import { withKvEventsEndpoint } from "./kv-events.ts";

/**
 * The block (vLLM 0a111cca; README "Ports inside a block"): --port, the multi-node --master-port, one port per
 * side channel and bootstrap that vLLM reads from a fixed-default variable (NIXL 5600, P2P 5710, EC 5601,
 * Mooncake 8998), KV events, then VLLM_PORT: vLLM takes 0-1 ports from it at DP=1 (up to ~5 with internal
 * DP), scanning upward with a plain bind.
 */
const BLOCK: BlockLayout = {
  width: 16,
  http: 0,
  dist: 1,
  named: { nixlSideChannel: 2, p2pSideChannel: 3, ecSideChannel: 4, bootstrap: 5, kvEvents: 6 },
  internalFirst: 7,
  internalLast: 15,
};

// Data parallelism inside one server is refused too: berth's unit is the server (d in the spec), and vLLM's
// own DP would open ports and take GPUs that berth's block and CUDA_VISIBLE_DEVICES do not cover.
const OWNED_FLAGS = [
  "--host", "--port", "--uds", "--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp", "--seed",
  "--data-parallel-size", "-dp", "--data-parallel-size-local", "-dpl", "--data-parallel-multi-port-external-lb", "-dpm",
  "--data-parallel-rpc-port", "-dpp", "--device-ids", "--headless", "--nnodes", "-n", "--node-rank", "-r",
  "--master-addr", "--master-port",
];

const OWNED_VARIABLES = ["VLLM_PORT", "VLLM_RPC_BASE_PATH", "VLLM_CACHE_ROOT", "VLLM_NIXL_SIDE_CHANNEL_PORT", "VLLM_P2P_SIDE_CHANNEL_PORT", "VLLM_EC_SIDE_CHANNEL_PORT", "VLLM_MOONCAKE_BOOTSTRAP_PORT"];

/** Ray as the executor: allowed, but berth starts no Ray cluster. */
function rayWarning(args: readonly string[]): string | undefined {
  const at = args.findIndex((argument) => argument.replaceAll("_", "-").startsWith("--distributed-executor-backend"));
  if (at === -1) return undefined;
  const value = args[at]!.includes("=") ? args[at]!.split("=")[1] : args[at + 1];
  if (value !== "ray") return undefined;
  return "--distributed-executor-backend ray after --: vLLM then needs a Ray cluster, which berth does not start; berth runs multi-node vLLM on its own executor (--nnodes/--node-rank/--master-addr) without it";
}

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

const vllmLaunch: BackendLauncher = ({ server, placement, env, context, seed, url, args, serverDirectory, cache, gpus }: BackendInput) => {
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

export const vllmBackend = {
  name: "vllm",
  summary: "vllm serve",
  block: BLOCK,
  ownedFlags: OWNED_FLAGS,
  ownedVariables: OWNED_VARIABLES,
  ownedVariablePrefixes: ["VLLM_DP_"],
  launch: vllmLaunch,
  metricsUrl: (url) => `${url}/metrics`, // always, on its HTTP port
  argsWarning: rayWarning,
} as const satisfies EngineBackend;
