// One server's argv and environment from the plan: the backends differ only in flag names.
import { fail, ok, type Result } from "../result.ts";
import type { PlannedServer, ServerPlacement } from "../types.ts";
import type { Launch, LaunchContext, ServerGpu } from "./launch-types.ts";

/** "[::1]" in URLs, plain otherwise. */
export function hostForUrl(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** Servers bound to a wildcard are reached on loopback for health checks. */
export function reachableHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}

function serverEnvironment(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Record<string, string> {
  const base = Object.fromEntries(Object.entries(context.baseEnvironment).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cache = `${context.runDirectory}/server-${server.index}`;
  const ports = placement.ports;
  return {
    ...base,
    CUDA_VISIBLE_DEVICES: gpus.map((gpu) => (context.visibleDevices === "uuid" ? gpu.uuid : String(gpu.index))).join(","),
    CUDA_DEVICE_ORDER: "PCI_BUS_ID",
    BERTH_SERVER: String(server.index),
    BERTH_LOCAL_INDEX: String(placement.localIndex),
    BERTH_NODE: String(placement.node),
    BERTH_PORT: String(ports.http),
    BERTH_DIST_PORT: String(ports.dist),
    BERTH_PORTS: `${ports.first}-${ports.last}`,
    BERTH_SEED: String(context.seedBase + server.index),
    // Each server compiles into its own caches, so concurrent servers never trample each other's files.
    TRITON_CACHE_DIR: `${cache}/triton`,
    TORCHINDUCTOR_CACHE_DIR: `${cache}/inductor`,
    XDG_CACHE_HOME: `${cache}/xdg`,
  };
}

const PLACEHOLDERS = ["port", "dist_port", "host", "gpus", "server", "local", "node", "seed", "tp", "pp"] as const;

function substitute(argument: string, values: Record<(typeof PLACEHOLDERS)[number], string>): string {
  return argument.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? values[name as keyof typeof values] : whole));
}

export function buildLaunch(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Result<Launch> {
  const env = serverEnvironment(server, placement, gpus, context);
  const ports = placement.ports;
  const seed = String(context.seedBase + server.index);
  const isLeader = placement.node === server.node;
  const url = isLeader ? `http://${hostForUrl(context.host)}:${ports.http}` : "";
  const common = ["--host", context.host, "--port", String(ports.http)];

  if (context.backend === "cmd") {
    if (context.userArgs.length === 0) return fail({ code: "launch.no-command", message: "--backend cmd needs the server command after --, e.g. -- python serve.py --port {port}" });
    const values = { port: String(ports.http), dist_port: String(ports.dist), host: context.host, gpus: env.CUDA_VISIBLE_DEVICES!, server: String(server.index), local: String(placement.localIndex), node: String(placement.node), seed, tp: String(server.tp), pp: String(server.pp) };
    return ok({ argv: context.userArgs.map((argument) => substitute(argument, values)), env, url });
  }

  if (context.backend === "vllm") {
    if (server.nodes) return fail({ code: "launch.vllm-multi-node", message: `vllm server ${server.index} spans nodes ${server.nodes.join(",")}; vLLM needs Ray for that, so berth launches multi-node servers with --backend sglang only` });
    env.VLLM_PORT = String(ports.internal.first); // vLLM scans upward from here for its internal ports
    env.VLLM_CACHE_ROOT = `${context.runDirectory}/server-${server.index}/vllm`;
    env.VLLM_RPC_BASE_PATH = `${context.runDirectory}/server-${server.index}/rpc`;
    const engine = context.engineCommand ?? ["vllm", "serve"];
    const argv = [...engine, ...context.userArgs, ...common, "--tensor-parallel-size", String(server.tp), "--pipeline-parallel-size", String(server.pp), "--seed", seed];
    return ok({ argv, env, url });
  }

  // SGLang opens its own helper ports from here upward; the block keeps them inside the reservation.
  env.SGLANG_PORT = String(ports.dist + 7);
  const engine = context.engineCommand ?? ["python3", "-m", "sglang.launch_server"];
  const argv = [...engine, ...context.userArgs, ...common, "--tp-size", String(server.tp), "--pp-size", String(server.pp), "--random-seed", seed];
  if (server.nodes) {
    if (!context.leaderAddress) {
      return fail({ code: "launch.no-leader", message: `sglang server ${server.index} spans nodes ${server.nodes.join(",")}; berth needs the leader's address: pass --leader-addr, or set LWS_LEADER_ADDRESS or SLURM_JOB_NODELIST` });
    }
    const leaderPorts = server.ports; // the leader's block: the rendezvous lives there
    argv.push("--nnodes", String(server.nodes.length), "--node-rank", String(server.nodes.indexOf(placement.node)), "--dist-init-addr", `${hostForUrl(context.leaderAddress)}:${leaderPorts.dist}`);
  } else {
    argv.push("--nccl-port", String(ports.dist));
  }
  return ok({ argv, env, url });
}
