// `bun run release [--out DIR]`: the files of a release. One binary per Linux target, named
// berth-VERSION-PLATFORM, and a SHA256SUMS that `sha256sum -c` checks. Every binary says its version,
// commit and build date (`berth version --json`). The host's binary is smoke-run. A cross-compile
// that cannot be fetched here is an error: a release is all of them or nothing.
import { $ } from "bun";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildFacts, compile, HOST_PLATFORM, TARGETS } from "./compile-berth.ts";

function outDirectory(): string {
  const at = process.argv.indexOf("--out");
  return resolve(at === -1 ? "dist/release" : (process.argv[at + 1] ?? "dist/release"));
}

async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  hasher.update(await Bun.file(path).arrayBuffer());
  return hasher.digest("hex");
}

const facts = await buildFacts();
if (facts.commit.endsWith("-dirty")) console.warn(`release: the tree has uncommitted changes; the binaries will say ${facts.commit}`);
const out = outDirectory();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const files: string[] = [];
for (const target of TARGETS) {
  const file = join(out, `berth-${facts.version}-${target.platform}`);
  if (!(await compile(target, facts, file))) {
    console.error(`release: ${target.target} could not be built; no release written`);
    rmSync(out, { recursive: true, force: true });
    process.exit(1);
  }
  files.push(file);
  console.log(`built ${basename(file)}`);
}

const sums = await Promise.all(files.map(async (file) => `${await sha256(file)}  ${basename(file)}\n`));
await Bun.write(join(out, "SHA256SUMS"), sums.join(""));
const host = join(out, `berth-${facts.version}-${HOST_PLATFORM}`);
const version = JSON.parse(await $`${host} version --json`.text());
console.log(`release ${facts.version} (${version.commit}, built ${version.buildDate}) in ${out}:`);
for (const name of readdirSync(out).sort()) console.log(`  ${name}`);
