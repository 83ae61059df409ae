// 10,000 random specs through the parser and through `berth plan` in-process: never a crash, only 0 or 2.
import { exitStatus } from "../../src/core/exit.ts";
import { expect, test } from "bun:test";
import { COMMANDS } from "../../src/cli/commands.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { readSpec } from "../../src/core/spec/index.ts";

const PIECES = ["vllm", "sglang", "fsdp", "megatron", "archon", "eval", "attn", "ffn", ":", "+", "|", "(", ")", "[", "]", ".", " ",
  "d", "t", "p", "c", "e", "m", "x", "0", "1", "2", "4", "8", "16", "99999999", "[a]", "[b]", "-", "\t", "é", "\u0000"];

function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

/** A spec shaped like the grammar, then perhaps damaged by one random edit. */
function shapedSpec(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const parts: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let index = 0; index < count; index++) {
    const backend = pick(["vllm", "sglang", "fsdp", "megatron", ""]);
    const name = random() < 0.3 ? `[n${index}]` : "";
    const dims = ["d", "t", "p"].filter(() => random() < 0.6).map((letter) => `${letter}${pick([1, 1, 2, 4, 8])}`).join("");
    parts.push(backend || name ? `${backend}${name}:${dims}` : dims);
    if (index < count - 1) parts.push(random() < 0.8 ? "+" : "|");
  }
  let text = parts.join("");
  if (random() < 0.3 && text.length > 0) {
    const at = Math.floor(random() * text.length);
    text = text.slice(0, at) + pick(PIECES) + text.slice(at + (random() < 0.5 ? 1 : 0));
  }
  return text;
}

function randomSpec(random: () => number): string {
  if (random() < 0.5) return shapedSpec(random);
  const length = Math.floor(random() * 14);
  let text = "";
  for (let index = 0; index < length; index++) {
    text += random() < 0.85 ? PIECES[Math.floor(random() * PIECES.length)] : String.fromCharCode(32 + Math.floor(random() * 95));
  }
  return text;
}

test("10,000 random specs: the parser returns a result and `berth plan` exits 0 or 2", async () => {
  const random = seededRandom(2026);
  const exitCodes = new Map<number, number>();
  for (let round = 0; round < 10_000; round++) {
    const text = randomSpec(random);
    const parsed = readSpec(text);
    expect(typeof parsed.ok).toBe("boolean");
    if (!parsed.ok) for (const issue of parsed.issues) expect(issue.message.includes("\n")).toBe(false);

    const io = memoryIo({});
    const nodes = String(1 + Math.floor(random() * 8));
    const gpusPerNode = String(1 + Math.floor(random() * 16));
    const code = exitStatus(await runCli(["plan", text, "--nodes", nodes, "--gpus-per-node", gpusPerNode, "--json"], COMMANDS, io));
    if (code !== 0 && code !== 2) throw new Error(`spec ${JSON.stringify(text)} exited ${code}: ${io.err}`);
    if (code === 2) expect(io.err.trim().split("\n")).toHaveLength(1);
    exitCodes.set(code, (exitCodes.get(code) ?? 0) + 1);
  }
  // Both outcomes must actually occur, or the generator is not exercising the grammar.
  expect(exitCodes.get(0) ?? 0).toBeGreaterThan(1000);
  expect(exitCodes.get(2) ?? 0).toBeGreaterThan(3000);
});
