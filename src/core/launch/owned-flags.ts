// Flags berth sets itself (each backend's module lists its own); the same flag in the user's ARGS would fight
// berth's value, so it is refused. Engines use argparse with abbreviations allowed and vLLM also takes
// underscores, so all spellings count.
import { backendNamed } from "./backends/index.ts";

/** A warning for ARGS that berth allows but that will not work the way berth launches (undefined if none). */
export function flagWarning(args: readonly string[], backend: string): string | undefined {
  return backendNamed(backend).argsWarning?.(args);
}

/** The first argument in ARGS that would set a flag berth owns for this backend, if any. */
export function ownedFlagIn(args: readonly string[], backend: string): { argument: string; flag: string } | undefined {
  const owned = backendNamed(backend).ownedFlags;
  if (owned.length === 0) return undefined;
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
