// `bun run release [--out DIR]`: the files of a release. One gzipped binary per Linux target, named
// berth-VERSION-PLATFORM.gz, and a SHA256SUMS that `sha256sum -c` checks. gzip, because every node has
// gunzip (busybox's too) and it takes a 112 MB binary to 54 MB in under 2 s (xz: 40 MB in 34 s, per target).
// Every binary says its version, commit and build date (`berth version --json`). The host's binary is
// smoke-run. A cross-compile that cannot be fetched here is an error: a release is all of them or nothing.
import { $ } from "bun";
import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
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

/** The binary gzipped beside where it was built; the uncompressed one goes (the release keeps only .gz). */
async function gzipped(binary: string): Promise<string> {
  const file = `${binary}.gz`;
  await Bun.write(file, Bun.gzipSync(await Bun.file(binary).bytes(), { level: 6 }));
  rmSync(binary);
  return file;
}

const files: string[] = [];
for (const target of TARGETS) {
  const binary = join(out, `berth-${facts.version}-${target.platform}`);
  if (!(await compile(target, facts, binary))) {
    console.error(`release: ${target.target} could not be built; no release written`);
    rmSync(out, { recursive: true, force: true });
    process.exit(1);
  }
  files.push(await gzipped(binary));
  console.log(`built ${basename(binary)}.gz`);
}

const sums = await Promise.all(files.map(async (file) => `${await sha256(file)}  ${basename(file)}\n`));
await Bun.write(join(out, "SHA256SUMS"), sums.join(""));
// The smoke run: the host's binary, unpacked as a user would, says what it is.
const host = join(out, `.smoke-${process.pid}`);
await Bun.write(host, Bun.gunzipSync(await Bun.file(join(out, `berth-${facts.version}-${HOST_PLATFORM}.gz`)).bytes()));
chmodSync(host, 0o755);
const version = JSON.parse(await $`${host} version --json`.text());
rmSync(host);
console.log(`release ${facts.version} (${version.commit}, built ${version.buildDate}) in ${out}:`);
for (const name of readdirSync(out).sort()) console.log(`  ${name}`);
