// Builds native/fake-nvml.c into real libnvidia-ml.so.1 files with this machine's C compiler, once per
// source version: "current" has every symbol, "old" lacks the _v3/_v2 process, MemoryInfo_v2 and NUMA ones.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./berth-process.ts";

export type FakeDriver = "current" | "old";

const SOURCE = join(REPO_ROOT, "native/fake-nvml.c");
const HEADER = join(REPO_ROOT, "native/nvml.h");

export function fakeNvmlLibrary(driver: FakeDriver = "current"): string {
  const hash = createHash("sha256").update(readFileSync(SOURCE)).update(readFileSync(HEADER)).digest("hex").slice(0, 12);
  const directory = join(tmpdir(), `berth-fake-nvml-${hash}`, driver);
  const library = join(directory, "libnvidia-ml.so.1");
  if (existsSync(library)) return library;
  mkdirSync(directory, { recursive: true });
  const partial = `${library}.${process.pid}.tmp`;
  const flags = driver === "old" ? ["-DFAKE_NVML_OLD_DRIVER"] : [];
  const compiler = process.env.CC ?? "cc";
  const build = Bun.spawnSync([compiler, "-shared", "-fPIC", "-O2", "-Wall", "-Werror", ...flags, "-o", partial, SOURCE], { stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`building the fake NVML library with ${compiler} failed: ${build.stderr.toString()}`);
  renameSync(partial, library); // Atomic, so parallel test files never load a half-written library.
  return library;
}
