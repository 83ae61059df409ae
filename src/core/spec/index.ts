// Text → validated Spec, or the issues that explain why not.
import type { Spec } from "./ast.ts";
import { parseSpec } from "./parse.ts";
import { validateSpec } from "./validate.ts";
import { fail, ok, type Result } from "../result.ts";

export function readSpec(text: string): Result<Spec> {
  const parsed = parseSpec(text);
  if (!parsed.ok) return parsed;
  const issues = validateSpec(parsed.value);
  if (issues.length > 0) return fail(...issues);
  return ok(parsed.value, parsed.warnings);
}
