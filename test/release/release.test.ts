// `bun run release` from this checkout: every Linux target built and gzipped, named by version and platform,
// with a SHA256SUMS that sha256sum checks, and binaries that, once gunzipped, say their version, commit and
// build date.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { REPO_ROOT } from "../support/berth-process.ts";
import { elfFacts } from "../support/elf.ts";

const PLATFORMS = ["linux-arm64", "linux-arm64-musl", "linux-x64", "linux-x64-musl"];
const EPOCH = 1_780_000_000; // a fixed SOURCE_DATE_EPOCH: the build date must come from it
let out = "";
let unpacked = "";
let release = { code: -1, stdout: "", stderr: "" };

const unpackedBinaries = new Map<string, Promise<string>>();

/** A release file gunzipped as a user would (`gunzip`), into a directory of the test's own; once per platform. */
function unpack(platform: string): Promise<string> {
  let binary = unpackedBinaries.get(platform);
  if (!binary) unpackedBinaries.set(platform, (binary = gunzipped(platform)));
  return binary;
}

async function gunzipped(platform: string): Promise<string> {
  const binary = join(unpacked, `berth-${packageJson.version}-${platform}`);
  const gunzip = await spawn(["sh", "-c", `gunzip -c "$1" > "$2"`, "sh", join(out, `berth-${packageJson.version}-${platform}.gz`), binary]);
  expect(gunzip).toExitWith(0);
  chmodSync(binary, 0o755);
  return binary;
}

async function spawn(argv: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const child = Bun.spawn(argv, { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, ...options.env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "berth-release-"));
  unpacked = mkdtempSync(join(tmpdir(), "berth-unpacked-"));
  release = await spawn([process.execPath, "run", "scripts/release.ts", "--out", out], { env: { SOURCE_DATE_EPOCH: String(EPOCH) } });
}, 300_000);
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(unpacked, { recursive: true, force: true });
});

test("writes one gzipped binary per Linux target (nothing else, under 60% of their size) and a SHA256SUMS that sha256sum -c accepts", async () => {
  expect(release).toExitWith(0);
  const names = PLATFORMS.map((platform) => `berth-${packageJson.version}-${platform}.gz`);
  const packed = names.reduce((sum, name) => sum + statSync(join(out, name)).size, 0);
  const full = (await Promise.all(PLATFORMS.map(unpack))).reduce((sum, binary) => sum + statSync(binary).size, 0);
  expect(packed).toBeLessThan(full * 0.6);
  expect(readdirSync(out).sort()).toEqual(["SHA256SUMS", ...names].sort());
  const sums = await Bun.file(join(out, "SHA256SUMS")).text();
  expect(sums.split("\n").filter(Boolean).map((line) => line.split("  ")[1]).sort()).toEqual(names.sort());
  const check = await spawn(["sha256sum", "-c", "SHA256SUMS"], { cwd: out });
  expect(check).toExitWith(0);
  expect(check.stdout.split("\n").filter(Boolean).sort()).toEqual(names.map((name) => `${name}: OK`).sort());
});

test("each binary is built for its machine and libc", async () => {
  for (const platform of PLATFORMS) {
    const facts = elfFacts(await unpack(platform));
    const machine = platform.includes("arm64") ? "aarch64" : "x86-64";
    const loader = platform.endsWith("-musl") ? /^\/lib\/ld-musl-(aarch64|x86_64)\.so\.1$/ : /^\/lib(64)?\/ld-linux-(aarch64|x86-64)\.so\.[12]$/;
    expect({ platform, machine: facts.machine }).toEqual({ platform, machine });
    expect({ platform, interpreter: facts.interpreter }).toEqual({ platform, interpreter: expect.stringMatching(loader) });
  }
});
// What the README's install lines promise: a glibc build needs glibc's own libraries and nothing else, and a
// musl build needs only libstdc++ besides musl (on a bare Alpine: `apk add libstdc++`, which brings libgcc).
test("each binary needs only what the README says to install", async () => {
  for (const platform of PLATFORMS) {
    const { needed } = elfFacts(await unpack(platform));
    const arch = platform.includes("arm64") ? "aarch64" : "x86_64";
    if (platform.endsWith("-musl")) expect({ platform, needed }).toEqual({ platform, needed: ["libstdc++.so.6", `libc.musl-${arch}.so.1`] });
    else expect({ platform, needed: needed.filter((name) => !/^(libc|libm|libdl|libpthread)\.so\.\d$|^ld-linux-[\w-]+\.so\.\d$/.test(name)) }).toEqual({ platform, needed: [] });
  }
});


test("the host's binary says its version, commit, build date (from SOURCE_DATE_EPOCH) and target", async () => {
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const result = await spawn([await unpack(`linux-${arch}`), "version", "--json"]);
  expect(result).toExitWith(0);
  const commit = (await spawn(["git", "rev-parse", "--short=12", "HEAD"])).stdout.trim();
  expect(JSON.parse(result.stdout)).toEqual({
    schemaVersion: 1,
    version: packageJson.version,
    commit: expect.stringMatching(new RegExp(`^${commit}(-dirty)?$`)),
    buildDate: new Date(EPOCH * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    target: `bun-linux-${arch}`,
    libc: "glibc",
    bun: Bun.version,
  });
});
