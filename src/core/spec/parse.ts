// Hand-written recursive-descent parser for AReaL's allocation grammar (both the 8b54f78 and current forms).
import {
  TRAINING_BACKENDS,
  type ColocationGroup,
  type Component,
  type Dimensions,
  type InferenceBackend,
  type Spec,
} from "./ast.ts";
import { Cursor, isDigit, isLetter, isNameCharacter } from "./cursor.ts";
import { MAX_DIMENSION, MAX_SPEC_LENGTH } from "./limits.ts";
import { modernSpelling } from "./modern-spelling.ts";
import { SPEC_ENGINES } from "../launch/backends/index.ts";
import { fail, ok, type Issue, type IssueCode, type Result } from "../result.ts";

class SpecError extends Error {
  constructor(readonly issue: Issue) {
    super(issue.message);
  }
}

function refuse(code: IssueCode, column: number, detail: string): never {
  throw new SpecError({ code, column, message: `column ${column}: ${detail}` });
}

const INFERENCE_DIMENSIONS = ["d", "t", "p"] as const;
const TRAINING_DIMENSIONS = ["d", "p", "t", "c", "e"] as const;
const ATTN_DIMENSIONS = ["d", "p", "t", "c"] as const;
const FFN_DIMENSIONS = ["d", "p", "t", "e"] as const;

function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

function parseDimensions(cursor: Cursor, allowed: readonly string[], warnings: string[]): Dimensions {
  const dims: Dimensions = {};
  const afterColon = cursor.position;
  while (isLetter(cursor.peek())) {
    const column = cursor.position;
    const letter = cursor.text[column]!;
    cursor.position++;
    if (letter === "m") {
      refuse("spec.legacy-tensor", column, `'m' is realhf's old spelling of tensor parallelism; did you mean ${modernSpelling(cursor.text)}?`);
    }
    if (!allowed.includes(letter)) {
      refuse("spec.unknown-dimension", column, `unknown dimension '${letter}'; expected ${listWords(allowed)}`);
    }
    const digits = cursor.readDigits();
    if (digits === "") refuse("spec.missing-number", cursor.position, `expected a number after '${letter}'`);
    const value = Number(digits);
    if (value < 1) refuse("spec.zero-size", column, `${letter}${digits}: sizes must be at least 1`);
    if (value > MAX_DIMENSION) refuse("spec.huge-size", column, `${letter}${digits}: sizes must be at most ${MAX_DIMENSION}`);
    const key = letter as keyof Dimensions;
    if (dims[key] !== undefined) {
      warnings.push(`column ${column}: '${letter}' given twice; the last value (${value}) wins, as in AReaL`);
    }
    dims[key] = value;
  }
  if (Object.keys(dims).length === 0) {
    refuse("spec.missing-dimensions", afterColon, `expected dimensions such as d4t2 after ':', found ${cursor.describeHere()}`);
  }
  return dims;
}

function parseName(cursor: Cursor): string | undefined {
  if (!cursor.take("[")) return undefined;
  const start = cursor.position;
  while (isNameCharacter(cursor.peekRaw())) cursor.position++;
  const name = cursor.text.slice(start, cursor.position);
  if (name === "") refuse("spec.empty-name", start, "expected a component name inside [ ] (letters, digits, _ or -)");
  if (!cursor.take("]")) refuse("spec.unclosed-name", cursor.position, `expected ']' to close the name '${name}', found ${cursor.describeHere()}`);
  return name;
}

function expectColon(cursor: Cursor, after: string): void {
  if (cursor.take(":")) return;
  const column = cursor.position;
  if (cursor.peek() === ".") {
    refuse("spec.legacy-dotted", cursor.position, `the dotted form '${after}.' is no longer accepted; did you mean ${modernSpelling(cursor.text)}?`);
  }
  refuse("spec.expected-colon", column, `expected ':' after '${after}', found ${cursor.describeHere()}`);
}

/** attn:…|ffn:… (in either order), then `)` when the group opened with `(`. */
function parseHybrid(cursor: Cursor, column: number, name: string | undefined, backend: "megatron" | "archon", parenthesised: boolean, warnings: string[]): Component {
  const parts: Partial<Record<"attn" | "ffn", Dimensions>> = {};
  for (let index = 0; index < 2; index++) {
    if (index === 1 && !cursor.take("|")) {
      refuse("spec.hybrid-separator", cursor.position, `expected '|' between attn and ffn, found ${cursor.describeHere()}`);
    }
    const partColumn = cursor.position;
    const part = cursor.readWord();
    if (part !== "attn" && part !== "ffn") {
      refuse("spec.hybrid-part", partColumn, `expected 'attn' or 'ffn' inside ( ), found ${part ? `'${part}'` : cursor.describeHere()}`);
    }
    if (parts[part]) refuse("spec.hybrid-part", partColumn, `'${part}' given twice inside ( )`);
    expectColon(cursor, part);
    parts[part] = parseDimensions(cursor, part === "attn" ? ATTN_DIMENSIONS : FFN_DIMENSIONS, warnings);
  }
  if (parenthesised && !cursor.take(")")) refuse("spec.unclosed-hybrid", cursor.position, `expected ')' to close the attn/ffn group, found ${cursor.describeHere()}`);
  return { kind: "hybrid", backend, name, column, attn: parts.attn!, ffn: parts.ffn! };
}

function parseComponent(cursor: Cursor, warnings: string[]): Component {
  cursor.skipWhitespace();
  const column = cursor.position;
  if (cursor.peek() === "[") {
    const name = parseName(cursor);
    expectColon(cursor, `[${name}]`);
    return { kind: "training", backend: "auto", name, column, dims: parseDimensions(cursor, TRAINING_DIMENSIONS, warnings) };
  }
  // The bare MoE form (AReaL 8b54f78): `(attn:…|ffn:…)`, or without the parentheses; megatron's.
  if (cursor.take("(")) return parseHybrid(cursor, column, undefined, "megatron", true, warnings);
  const word = cursor.readWord();
  if ((word === "attn" || word === "ffn") && cursor.peek() === ":") {
    cursor.position = column;
    return parseHybrid(cursor, column, undefined, "megatron", false, warnings);
  }
  // A single letter followed by a digit is a bare training dimension list (`d4p1t1`), AReaL 8b54f78's form.
  if (word.length === 1 && isDigit(cursor.peekRaw())) {
    cursor.position = column;
    return { kind: "training", backend: "auto", column, dims: parseDimensions(cursor, TRAINING_DIMENSIONS, warnings) };
  }
  if (word === "eval") return { kind: "eval", column };
  if (SPEC_ENGINES.includes(word)) {
    const name = parseName(cursor);
    expectColon(cursor, word);
    const dims = parseDimensions(cursor, INFERENCE_DIMENSIONS, warnings);
    return { kind: "inference", backend: word as InferenceBackend, name, column, dp: dims.d ?? 1, tp: dims.t ?? 1, pp: dims.p ?? 1 };
  }
  if ((TRAINING_BACKENDS as readonly string[]).includes(word)) {
    const backend = word as (typeof TRAINING_BACKENDS)[number];
    const name = parseName(cursor);
    expectColon(cursor, word);
    if (cursor.peek() === "(") {
      const parenColumn = cursor.position;
      cursor.position++;
      if (backend === "fsdp") refuse("spec.hybrid-backend", parenColumn, `the attn/ffn form is only for megatron and archon, not ${backend}`);
      return parseHybrid(cursor, column, name, backend, true, warnings);
    }
    return { kind: "training", backend, name, column, dims: parseDimensions(cursor, TRAINING_DIMENSIONS, warnings) };
  }
  if (word === "") {
    refuse("spec.expected-component", column, `expected a component such as vllm:d4t2 or fsdp:d8, found ${cursor.describeHere()}`);
  }
  refuse(
    "spec.unknown-backend",
    column,
    `unknown backend '${word}'; expected ${listWords([...SPEC_ENGINES, ...TRAINING_BACKENDS])}, or bare dimensions such as d4`,
  );
}

export function parseSpec(text: string): Result<Spec> {
  if (text.length > MAX_SPEC_LENGTH) {
    return fail({ code: "spec.too-long", message: `the spec is ${text.length} characters; at most ${MAX_SPEC_LENGTH} are accepted` });
  }
  const cursor = new Cursor(text);
  const warnings: string[] = [];
  try {
    if (cursor.atEnd()) refuse("spec.empty", 0, "the spec is empty; expected components such as vllm:d4t2+fsdp:d8");
    const groups: ColocationGroup[] = [];
    let members: Component[] = [parseComponent(cursor, warnings)];
    while (!cursor.atEnd()) {
      const separator = cursor.peek();
      if (separator !== "+" && separator !== "|") {
        refuse("spec.unexpected", cursor.position, `expected '+', '|' or the end of the spec, found ${cursor.describeHere()}`);
      }
      cursor.position++;
      if (separator === "+") {
        groups.push({ members });
        members = [];
      }
      members.push(parseComponent(cursor, warnings));
    }
    groups.push({ members });
    return ok({ text, groups }, warnings);
  } catch (error) {
    if (error instanceof SpecError) return fail(error.issue);
    throw error;
  }
}
