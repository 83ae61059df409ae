// Engine settings in berth's own environment must not reach the servers: berth sets what each server needs
// (its ports, its caches), and a VLLM_PORT or SGLANG_PORT exported around berth (a job script, a parent
// launcher) would send every server to the same ports. The user's HuggingFace locations (HF_HOME,
// HF_HUB_CACHE, XDG_CACHE_HOME, the token) pass through untouched: moving them re-downloads every model.
import { BACKENDS } from "./backends/index.ts";

/** Each backend's own variables, and the metrics directory both engines' Prometheus clients share. */
const DROPPED = new Set(["PROMETHEUS_MULTIPROC_DIR", ...BACKENDS.flatMap((backend) => backend.ownedVariables)]);
const DROPPED_PREFIXES: readonly string[] = BACKENDS.flatMap((backend) => ("ownedVariablePrefixes" in backend ? backend.ownedVariablePrefixes : []));

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
