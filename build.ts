// `bun run build`: compiles berth into single binaries, bakes in the version and commit, and smoke-runs them.
// Autoloading of .env and bunfig.toml is off, so files in a node's working directory cannot change berth.
import { $ } from "bun";
import { mkdirSync } from "node:fs";
import packageJson from "./package.json" with { type: "json" };

const commit = (await $`git rev-parse --short=12 HEAD`.nothrow().quiet().text()).trim() || "unknown";
const dirty = (await $`git status --porcelain`.nothrow().quiet().text()).trim() ? "-dirty" : "";
const defines = {
  BERTH_BUILD_VERSION: JSON.stringify(packageJson.version),
  BERTH_BUILD_COMMIT: JSON.stringify(commit + dirty),
};

const hostArch = process.arch === "arm64" ? "arm64" : "x64";
const targets = [
  { target: "bun-linux-x64", outfile: "dist/berth-linux-x64", required: hostArch === "x64" },
  { target: "bun-linux-arm64", outfile: "dist/berth-linux-arm64", required: hostArch === "arm64" },
  { target: "bun-linux-x64-musl", outfile: "dist/berth-linux-x64-musl", required: false },
  { target: "bun-linux-arm64-musl", outfile: "dist/berth-linux-arm64-musl", required: false },
];
const onlyHost = process.argv.includes("--host-only");

mkdirSync("dist", { recursive: true });

// JavaScriptCore's tier-up thresholds ×10,000 at start: berth's commands run most of their code once, and
// JIT compiles of it cost more than they save (plan-cold 1.7× → 1.5× hello-world; ports -n 64 2.3× → 2.0×).
// Long-running paths put the normal policy back (src/host/jit-policy.ts).
const JIT_POLICY = 10_000;

async function compile(target: string, outfile: string): Promise<boolean> {
  const result = await Bun.build({
    entrypoints: ["src/main.ts"],
    compile: { target: target as Bun.Build.CompileTarget, outfile, autoloadDotenv: false, autoloadBunfig: false, jitPolicy: JIT_POLICY },
    define: defines,
    minify: true,
    // ESM with bytecode and code splitting: each command's modules become their own precompiled chunk,
    // loaded only when that command runs, so `berth --version` starts as fast as a hello-world binary.
    format: "esm",
    bytecode: true,
    splitting: true,
    sourcemap: "none",
  });
  if (!result.success) {
    for (const log of result.logs) console.error(String(log));
  }
  return result.success;
}

let failed = false;
for (const { target, outfile, required } of targets) {
  if (onlyHost && !required) continue;
  const built = await compile(target, outfile).catch((error: unknown) => {
    console.error(`${target}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  });
  console.log(`${built ? "built  " : "skipped"} ${outfile}${built ? "" : required ? " (FAILED)" : " (cross-compile unavailable here)"}`);
  if (!built && required) failed = true;
}
if (failed) process.exit(1);

await $`cp dist/berth-linux-${hostArch} dist/berth`;
// Smoke run: the binary must start, know its version, and plan the #652 case.
const version = (await $`./dist/berth --version`.text()).trim();
await $`./dist/berth plan vllm:d12p1t1+d4p1t1 --nodes 2 --gpus-per-node 8 --json`.quiet();
console.log(`smoke-ran dist/berth: ${version}`);
