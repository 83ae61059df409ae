// Keeps ARCHITECTURE.md's import rule true: cli → host → ffi, anyone → core, core → nothing outside itself.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "../src");
const LAYER_MAY_IMPORT: Record<string, string[]> = {
  core: ["core"],
  ffi: ["ffi", "core"],
  host: ["host", "ffi", "core"],
  cli: ["cli", "host", "core", "version.ts"],
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

test("imports follow the layers, and only src/ffi imports bun:ffi", () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = relative(SRC, file).split("/")[0]!;
    const allowed = LAYER_MAY_IMPORT[layer];
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/^import[^"']*["']([^"']+)["']/gm)) {
      const specifier = match[1]!;
      if (specifier === "bun:ffi" && layer !== "ffi") violations.push(`${relative(SRC, file)} imports bun:ffi`);
      if (layer === "core" && (specifier.startsWith("node:") || specifier.startsWith("bun"))) violations.push(`${relative(SRC, file)} (core) imports ${specifier}`);
      if (!specifier.startsWith(".") || !allowed) continue;
      const target = relative(SRC, resolve(dirname(file), specifier)).split("/")[0]!;
      if (target.startsWith("..")) continue;
      if (!allowed.includes(target)) violations.push(`${relative(SRC, file)} (${layer}) imports ${specifier}`);
    }
  }
  expect(violations).toEqual([]);
});
