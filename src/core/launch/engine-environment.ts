// Engine settings in berth's own environment must not reach the servers: berth sets what each server needs
// (its ports, its caches), and a VLLM_PORT or SGLANG_PORT exported around berth (a job script, a parent
// launcher) would send every server to the same ports. The user's HuggingFace locations (HF_HOME,
// HF_HUB_CACHE, XDG_CACHE_HOME, the token) pass through untouched: moving them re-downloads every model.

const DROPPED = new Set([
  "VLLM_PORT", "VLLM_RPC_BASE_PATH", "VLLM_CACHE_ROOT",
  "VLLM_NIXL_SIDE_CHANNEL_PORT", "VLLM_P2P_SIDE_CHANNEL_PORT", "VLLM_EC_SIDE_CHANNEL_PORT", "VLLM_MOONCAKE_BOOTSTRAP_PORT",
  "SGLANG_PORT", "SGLANG_TCP_STORE_PORT", "SGLANG_DISTRIBUTED_INIT_METHOD_OVERRIDE", "SGLANG_RUST_SERVER",
  "PROMETHEUS_MULTIPROC_DIR", "SGLANG_GRPC_PORT",
]);
const DROPPED_PREFIXES = ["VLLM_DP_"];

export function isEngineSetting(name: string): boolean {
  return DROPPED.has(name) || DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** The caller's environment, less unset entries and the engine settings berth owns. */
export function passedThrough(environment: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name in environment) {
    const value = environment[name];
    if (value !== undefined && !isEngineSetting(name)) kept[name] = value;
  }
  return kept;
}
