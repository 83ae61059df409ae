// `bun run build`: compiles berth for every Linux target into dist/, links this machine's as dist/berth (a
// hard link: no second 112 MB copy), and smoke-runs it. `--host-only` builds just this machine's. The
// settings live in scripts/compile-berth.ts; `bun run release` makes the published, gzipped files.
import { $ } from "bun";
import { mkdirSync } from "node:fs";
import { buildFacts, compile, HOST_PLATFORM, TARGETS } from "./scripts/compile-berth.ts";

const onlyHost = process.argv.includes("--host-only");
const facts = await buildFacts();
mkdirSync("dist", { recursive: true });

let failed = false;
for (const target of TARGETS) {
  if (onlyHost && !target.required) continue;
  const outfile = `dist/berth-${target.platform}`;
  const built = await compile(target, facts, outfile);
  console.log(`${built ? "built  " : "skipped"} ${outfile}${built ? "" : target.required ? " (FAILED)" : " (cross-compile unavailable here)"}`);
  if (!built && target.required) failed = true;
}
if (failed) process.exit(1);

await $`ln -f dist/berth-${HOST_PLATFORM} dist/berth`;
// Smoke run: the binary must start, know its version, and plan the #652 case.
const version = (await $`./dist/berth --version`.text()).trim();
await $`./dist/berth plan vllm:d12p1t1+d4p1t1 --nodes 2 --gpus-per-node 8 --json`.quiet();
console.log(`smoke-ran dist/berth: ${version}`);
