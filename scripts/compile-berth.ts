// Compiling berth into single binaries, shared by `bun run build` (build.ts) and `bun run release`
// (scripts/release.ts): the targets, the values baked in (version, commit, build date, target) and the
// compile settings. Autoloading of .env and bunfig.toml is off, so files in a node's working directory
// cannot change berth.
import { $ } from "bun";
import packageJson from "../package.json" with { type: "json" };

export interface Target {
  /** Bun's compile target. */
  target: string;
  /** The name's tail: linux-x64, linux-arm64-musl. */
  platform: string;
  /** Whether a build without it is a failure (the host's own; cross-compiles may be unavailable offline). */
  required: boolean;
}

const hostArch = process.arch === "arm64" ? "arm64" : "x64";

export const TARGETS: readonly Target[] = [
  { target: "bun-linux-x64", platform: "linux-x64", required: hostArch === "x64" },
  { target: "bun-linux-arm64", platform: "linux-arm64", required: hostArch === "arm64" },
  { target: "bun-linux-x64-musl", platform: "linux-x64-musl", required: false },
  { target: "bun-linux-arm64-musl", platform: "linux-arm64-musl", required: false },
];
export const HOST_PLATFORM = `linux-${hostArch}`;

export interface BuildFacts {
  version: string;
  commit: string;
  buildDate: string;
}

/** The commit (with -dirty for uncommitted changes) and the date; SOURCE_DATE_EPOCH pins the date. */
export async function buildFacts(): Promise<BuildFacts> {
  const commit = (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim() || "unknown";
  const dirty = (await $`git status --porcelain`.nothrow().quiet().text()).trim() ? "-dirty" : "";
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const date = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return { version: packageJson.version, commit: commit + dirty, buildDate: date.toISOString().replace(/\.\d{3}Z$/, "Z") };
}

// JavaScriptCore's tier-up thresholds ×10,000 at start: berth's commands run most of their code once, and
// JIT compiles of it cost more than they save (plan-cold 1.7× → 1.5× hello-world; ports -n 64 2.3× → 2.0×).
// Long-running paths put the normal policy back (src/host/jit-policy.ts).
const JIT_POLICY = 10_000;

/** Compiles one target; false (with Bun's messages on stderr) when it cannot be built here. */
export async function compile(target: Target, facts: BuildFacts, outfile: string): Promise<boolean> {
  const defines = {
    BERTH_BUILD_VERSION: JSON.stringify(facts.version),
    BERTH_BUILD_COMMIT: JSON.stringify(facts.commit),
    BERTH_BUILD_DATE: JSON.stringify(facts.buildDate),
    BERTH_BUILD_TARGET: JSON.stringify(target.target),
  };
  const result = await Bun.build({
    entrypoints: ["src/main.ts"],
    compile: { target: target.target as Bun.Build.CompileTarget, outfile, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: JIT_POLICY },
    define: defines,
    minify: true,
    // ESM with bytecode and code splitting: each command's modules become their own precompiled chunk,
    // loaded only when that command runs, so `berth --version` starts as fast as a hello-world binary.
    format: "esm",
    bytecode: true,
    splitting: true,
    sourcemap: "none",
  }).catch((error: unknown) => {
    console.error(`${target.target}: ${error instanceof Error ? error.message : String(error)}`);
    return { success: false, logs: [] };
  });
  for (const log of result.success ? [] : result.logs) console.error(String(log));
  return result.success;
}
