// Flags berth sets itself; the same flag in the user's ARGS would fight berth's value, so it is refused.
// Engines use argparse with abbreviations allowed and vLLM also takes underscores, so all spellings count.
import type { Backend } from "./launch-types.ts";

// Data parallelism inside one server is refused too: berth's unit is the server (d in the spec), and an
// engine's own DP would open ports and take GPUs that berth's block and CUDA_VISIBLE_DEVICES do not cover.
const OWNED: Record<Exclude<Backend, "cmd">, string[]> = {
  vllm: [
    "--host", "--port", "--uds", "--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp", "--seed",
    "--data-parallel-size", "-dp", "--data-parallel-size-local", "-dpl", "--data-parallel-multi-port-external-lb", "-dpm",
    "--data-parallel-rpc-port", "-dpp", "--device-ids", "--headless", "--nnodes", "-n", "--node-rank", "-r",
    "--master-addr", "--master-port",
  ],
  sglang: [
    "--host", "--port", "--tp-size", "--tensor-parallel-size", "--tp", "--pp-size", "--pipeline-parallel-size",
    "--dp-size", "--data-parallel-size", "--dp", "--gpu-id-step", "--base-gpu-id",
    "--nccl-port", "--random-seed", "--nnodes", "--node-rank", "--dist-init-addr", "--nccl-init-addr",
    "--disaggregation-bootstrap-port", "--encoder-bootstrap-port", "--engine-info-bootstrap-port",
    "--grpc-port", "--smg-http-sidecar-port", "--grpc-http-sidecar-port",
  ],
};

/** A warning for ARGS that berth allows but that will not work the way berth launches (undefined if none). */
export function flagWarning(args: readonly string[], backend: Backend): string | undefined {
  if (backend !== "vllm") return undefined;
  const at = args.findIndex((argument) => argument.replaceAll("_", "-").startsWith("--distributed-executor-backend"));
  if (at === -1) return undefined;
  const value = args[at]!.includes("=") ? args[at]!.split("=")[1] : args[at + 1];
  if (value !== "ray") return undefined;
  return "--distributed-executor-backend ray after --: vLLM then needs a Ray cluster, which berth does not start; berth runs multi-node vLLM on its own executor (--nnodes/--node-rank/--master-addr) without it";
}

/** The first argument in ARGS that would set a flag berth owns for this backend, if any. */
export function ownedFlagIn(args: readonly string[], backend: Backend): { argument: string; flag: string } | undefined {
  if (backend === "cmd") return undefined;
  const owned = OWNED[backend];
  for (const argument of args) {
    if (!argument.startsWith("-")) continue;
    const name = argument.split("=")[0]!.replaceAll("_", "-");
    // An exact flag, or a long prefix argparse would expand to exactly one owned flag (--tensor-parallel → …-size).
    const exact = owned.find((flag) => flag === name);
    if (exact) return { argument, flag: exact };
    const expansions = name.startsWith("--") && name.length >= 5 ? owned.filter((flag) => flag.startsWith(name)) : [];
    if (expansions.length === 1) return { argument, flag: expansions[0]! };
  }
  return undefined;
}
