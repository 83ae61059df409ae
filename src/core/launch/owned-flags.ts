// Flags berth sets itself; the same flag in the user's ARGS would fight berth's value, so it is refused.
// Engines use argparse with abbreviations allowed and vLLM also takes underscores, so all spellings count.
import type { Backend } from "./launch-types.ts";

const OWNED: Record<Exclude<Backend, "cmd">, string[]> = {
  vllm: ["--host", "--port", "--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp", "--seed"],
  sglang: [
    "--host", "--port", "--tp-size", "--tensor-parallel-size", "--tp", "--pp-size", "--pipeline-parallel-size",
    "--nccl-port", "--random-seed", "--nnodes", "--node-rank", "--dist-init-addr", "--nccl-init-addr", "--base-gpu-id",
  ],
};

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
