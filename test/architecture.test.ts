// Keeps ARCHITECTURE.md's import rule true: cli → host → ffi, anyone → core, core → nothing outside itself,
// no import cycles. Imports come from Bun's own parser (static and dynamic imports, re-exports, require),
// never from a regex over the text.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { BACKEND_NAMES } from "../src/core/launch/backends/index.ts";

const SRC = resolve(import.meta.dir, "../src");
const LAYER_MAY_IMPORT: Record<string, string[]> = {
  core: ["core"],
  ffi: ["ffi", "core"],
  host: ["host", "ffi", "core"],
  cli: ["cli", "host", "core", "version.ts"],
};
/** Packages core may use besides itself: pure libraries only. */
const CORE_PACKAGES = ["valibot"];

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

const transpiler = new Bun.Transpiler({ loader: "ts" });

interface SourceFile {
  path: string;
  layer: string;
  imports: { specifier: string; kind: string }[];
  /** Every module the text names, type-only imports included (TypeScript's own pre-processor reads them). */
  typeAndRuntimeImports: string[];
  /** The program as it runs: types and comments gone. */
  code: string;
}

function parseSource(path: string, text: string): SourceFile {
  const program = text.replace(/^#!.*/, ""); // main.ts's shebang is not TypeScript
  const imports = transpiler.scanImports(program).map(({ path: specifier, kind }) => ({ specifier, kind }));
  const typeAndRuntimeImports = ts.preProcessFile(program, true, true).importedFiles.map((file) => file.fileName);
  return { path, layer: path.split("/")[0]!, imports, typeAndRuntimeImports, code: transpiler.transformSync(program) };
}

function layerViolations(file: SourceFile): string[] {
  const allowed = LAYER_MAY_IMPORT[file.layer];
  const violations: string[] = [];
  const typeImports = file.typeAndRuntimeImports.filter((specifier) => !file.imports.some((each) => each.specifier === specifier)).map((specifier) => ({ specifier, kind: "type-only import" }));
  for (const { specifier, kind } of [...file.imports, ...typeImports]) {
    if (specifier === "bun:ffi" && file.layer !== "ffi") violations.push(`${file.path} imports bun:ffi (${kind})`);
    if (file.layer === "core" && !specifier.startsWith(".") && !CORE_PACKAGES.includes(specifier)) violations.push(`${file.path} (core) imports ${specifier} (${kind})`);
    if (!specifier.startsWith(".") || !allowed) continue;
    const target = relative(SRC, resolve(SRC, dirname(file.path), specifier)).split("/")[0]!;
    if (!target.startsWith("..") && !allowed.includes(target)) violations.push(`${file.path} (${file.layer}) imports ${specifier} (${kind})`);
  }
  return violations;
}

/** Every cycle in the graph of imports between src files, type-only imports included, each as "a → b → a". */
function importCycles(files: readonly SourceFile[]): string[] {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const specifiers = [...file.imports.map(({ specifier }) => specifier), ...file.typeAndRuntimeImports];
    edges.set(file.path, [...new Set(specifiers.filter((specifier) => specifier.startsWith(".")).map((specifier) => relative(SRC, resolve(SRC, dirname(file.path), specifier))))]);
  }
  const cycles: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** Where berth's exit status is picked: the mapper (`exitStatus`), the table's file, and what sets the status itself. */
function statusPickers(files: readonly SourceFile[]): string[] {
  return files.filter((file) => file.path === "core/exit.ts" || /\b(exitStatus\b|process\.exitCode\b|process\.exit\()/.test(file.code)).map((file) => file.path).sort();
}

/**
 * Files outside src/core/launch/backends/ whose running code names a backend as a value ("vllm", 'sglang',
 * `cmd`): each engine's facts live in its module there, and the list (backends/index.ts) gives every name.
 */
function engineNamesOutsideBackends(files: readonly SourceFile[], names: readonly string[]): string[] {
  const quoted = new RegExp(`["'\`](${names.join("|")})["'\`]`, "g");
  return files.filter((file) => !file.path.startsWith("core/launch/backends/")).flatMap((file) => [...file.code.matchAll(quoted)].map((match) => `${file.path}: ${match[0]}`));
}

const FILES = sourceFiles(SRC).map((path) => parseSource(relative(SRC, path), readFileSync(path, "utf8")));

describe("the house", () => {
  test("imports follow the layers, and only src/ffi imports bun:ffi", () => {
    expect(FILES.flatMap(layerViolations)).toEqual([]);
  });

  test("no import cycles, type-only imports included", () => {
    expect(importCycles(FILES)).toEqual([]);
  });

  // Why berth ends is data (an Ending) everywhere else; core/exit.ts has the table and the one mapper, main
  // sets the status, and the two places that report it before berth exits ask the mapper for it: the run's
  // `exit` event and the node record the other nodes follow.
  test("exit statuses are picked in at most 4 files: the table and its mapper, main, and the two reports", () => {
    expect(statusPickers(FILES)).toEqual(["cli/run-node.ts", "core/exit.ts", "host/rendezvous/node-record-of.ts", "main.ts"]);
  });

  test("engine names appear only in the backends' modules and their one list", () => {
    expect(engineNamesOutsideBackends(FILES, BACKEND_NAMES)).toEqual([]);
  });

  test("src/core touches neither Bun, process nor require", () => {
    const offences = FILES.filter((file) => file.layer === "core").flatMap((file) => [...file.code.matchAll(/\b(Bun\.|process\.|require\()/g)].map((match) => `${file.path}: ${match[1]}`));
    expect(offences).toEqual([]);
  });
});

// The checks above must see what a regex over `import … from` lines missed.
describe("the checks catch what they claim to", () => {
  const probe = parseSource;

  test.each([
    ["a dynamic import", "export async function f() { return import('../../host/registry.ts'); }"],
    ["a re-export", "export { openRegistry } from '../../host/registry.ts';"],
    ["a require", "export const r = require('../../host/registry.ts');"],
    ["a node: module", "import { readFileSync } from 'node:fs'; export const f = readFileSync;"],
  ])("%s from core into host is a violation", (_, text) => {
    expect(layerViolations(probe("core/plan/probe.ts", text))).toHaveLength(1);
  });

  test("Bun., process. and require( in core are caught, in comments they are not", () => {
    const file = probe("core/probe.ts", "// Bun.file and process.env in a comment\nexport const a = () => Bun.nanoseconds(); export const b = () => process.env.X;");
    expect([...file.code.matchAll(/\b(Bun\.|process\.|require\()/g)].map((match) => match[1])).toEqual(["Bun.", "process."]);
  });

  test("a status picked by process.exit or the mapper is found, in comments it is not", () => {
    const picks = probe("cli/a.ts", "// exitStatus(x) in a comment\nexport const f = () => process.exit(3);");
    const comment = probe("cli/b.ts", "// process.exitCode = exitStatus(x)\nexport const g = 1;");
    expect(statusPickers([picks, comment])).toEqual(["cli/a.ts"]);
  });

  test("an engine named as a value is found, in a comment or inside a word it is not", () => {
    const named = probe("core/plan/a.ts", "// \"vllm\" in a comment\nexport const f = (b: string) => b === 'sglang' || b === \"vllm-x\";");
    const inBackends = probe("core/launch/backends/x.ts", "export const n = \"vllm\";");
    expect(engineNamesOutsideBackends([named, inBackends], ["vllm", "sglang"])).toEqual(['core/plan/a.ts: "sglang"']);
  });

  test("a cycle of two files is found", () => {
    const a = probe("cli/a.ts", "import { b } from './b.ts'; export const a = () => b;");
    const b = probe("cli/b.ts", "import { a } from './a.ts'; export const b = () => a;");
    expect(importCycles([a, b])).toEqual(["cli/a.ts → cli/b.ts → cli/a.ts"]);
  });

  test("a cycle made only of type imports is found too", () => {
    const a = probe("cli/a.ts", "import type { B } from './b.ts'; export type A = { b: B };");
    const b = probe("cli/b.ts", "import { type A } from './a.ts'; export type B = { a?: A };");
    expect(importCycles([a, b])).toEqual(["cli/a.ts → cli/b.ts → cli/a.ts"]);
  });
});
