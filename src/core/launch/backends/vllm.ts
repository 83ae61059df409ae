// vLLM: `vllm serve` with berth's host, port, parallel sizes and seed; its internal ports start at VLLM_PORT.
import { fail, ok } from "../../result.ts";
import type { BackendInput, BackendLauncher } from "../launch-types.ts";

export const vllmLaunch: BackendLauncher = ({ server, placement, env, context, seed, url }: BackendInput) => {
  if (server.nodes) {
    return fail({ code: "launch.vllm-multi-node", message: `vllm server ${server.index} spans nodes ${server.nodes.join(",")}; vLLM needs Ray for that, so berth launches multi-node servers with --backend sglang only` });
  }
  const ports = placement.ports;
  env.VLLM_PORT = String(ports.internal.first); // vLLM scans upward from here for its internal ports
  env.VLLM_CACHE_ROOT = `${context.runDirectory}/server-${server.index}/vllm`;
  env.VLLM_RPC_BASE_PATH = `${context.runDirectory}/server-${server.index}/rpc`;
  const engine = context.engineCommand ?? ["vllm", "serve"];
  const argv = [...engine, ...context.userArgs, "--host", context.host, "--port", String(ports.http),
    "--tensor-parallel-size", String(server.tp), "--pipeline-parallel-size", String(server.pp), "--seed", seed];
  return ok({ argv, env, url });
};
