// No function in src/ runs past ~80 lines: a longer one is several steps that want names of their own.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

const SRC = resolve(import.meta.dir, "../src");
const LONGEST = 80;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

/** Every function, method and arrow longer than `limit` lines, as "file:line name (N lines)". */
function longFunctions(path: string, text: string, limit = LONGEST): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      const name = "name" in node && node.name ? node.name.getText() : "(anonymous)";
      if (lines > limit) found.push(`${path}:${start + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function in src/ is longer than ${LONGEST} lines`, () => {
  const long = sourceFiles(SRC).flatMap((path) => longFunctions(relative(SRC, path), readFileSync(path, "utf8")));
  expect(long).toEqual([]);
});

test("the check sees a long function", () => {
  const body = Array.from({ length: 85 }, (_, index) => `  const v${index} = ${index};`).join("\n");
  expect(longFunctions("probe.ts", `export function long() {\n${body}\n}\n`)).toEqual(["probe.ts:1 long (87 lines)"]);
});
