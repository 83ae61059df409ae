// Completion scripts, sourced in real shells: bash always, fish and zsh where they are installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";

let directory = "";
const scripts: Record<string, string> = {};

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "berth-completion-"));
  for (const shell of ["bash", "zsh", "fish"]) {
    const run = await runBerth(["completion", shell]);
    expect(run).toExitWith(0);
    scripts[shell] = join(directory, `berth.${shell}`);
    writeFileSync(scripts[shell]!, run.stdout);
  }
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function shell(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: directory } });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

/** What bash's completion function offers for the words typed so far (the last one being completed). */
async function bashCompletes(...words: string[]): Promise<string[]> {
  const quoted = words.map((word) => `'${word}'`).join(" ");
  const program = `source '${scripts.bash}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _berth; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = await shell(["bash", "--norc", "-c", program]);
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter(Boolean);
}

const installed = (name: string) => Bun.which(name) !== null;

describe("bash", () => {
  test("sourcing registers the function for berth", async () => {
    const result = await shell(["bash", "--norc", "-c", `source '${scripts.bash}'; complete -p berth`]);
    expect(result.stdout).toContain("-F _berth berth");
  });

  test("commands, flags, enum values and the completion shells complete", async () => {
    expect(await bashCompletes("berth", "ru")).toEqual(["run"]);
    expect(await bashCompletes("berth", "")).toEqual(expect.arrayContaining(["demo", "probe", "plan", "run", "exec", "ports", "status", "wait", "version", "completion", "help"]));
    expect(await bashCompletes("berth", "run", "--back")).toEqual(["--backend"]);
    expect(await bashCompletes("berth", "run", "--backend", "")).toEqual(["vllm", "sglang", "cmd"]);
    expect(await bashCompletes("berth", "run", "--restart", "")).toEqual(["no", "on-failure"]);
    expect(await bashCompletes("berth", "completion", "")).toEqual(["bash", "zsh", "fish"]);
    expect(await bashCompletes("berth", "help", "st")).toEqual(["status"]);
    expect(await bashCompletes("berth", "ports", "-")).toEqual(expect.arrayContaining(["--count", "-n", "--ttl", "--json", "--help"]));
  });

  test("after -- the words are the server's: berth offers nothing of its own", async () => {
    expect(await bashCompletes("berth", "run", "vllm:d1", "--", "--")).toEqual([]);
  });

  test("every flag that --help lists completes, for every command", async () => {
    for (const command of ["demo", "probe", "plan", "run", "exec", "ports", "status", "wait", "version"]) {
      const help = await runBerth([command, "--help"]);
      const listed = [...help.stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z][a-z-]*)/gm)].map((match) => match[1]!);
      expect(listed.length).toBeGreaterThan(1);
      const offered = await bashCompletes("berth", command, "--");
      expect({ command, missing: listed.filter((flag) => !offered.includes(flag)) }).toEqual({ command, missing: [] });
    }
  });
});

describe.skipIf(!installed("fish"))("fish (skipped where fish is not installed: apt-get install fish)", () => {
  test("complete -C offers commands, flags and enum values", async () => {
    const asks = ["berth ru", "berth run --back", "berth run --backend ", "berth completion "];
    const program = `source '${scripts.fish}'; ${asks.map((ask) => `complete -C '${ask}'; echo ---`).join("; ")}`;
    const result = await shell(["fish", "--no-config", "-c", program]);
    expect(result.stderr).toBe("");
    const [commands, flags, values, shells] = result.stdout.split("---\n").map((block) => block.split("\n").filter(Boolean).map((line) => line.split("\t")[0]));
    expect(commands).toEqual(["run"]);
    expect(flags).toEqual(["--backend"]);
    expect(values!.sort()).toEqual(["cmd", "sglang", "vllm"]);
    expect(shells!.sort()).toEqual(["bash", "fish", "zsh"]);
  });
});

describe.skipIf(!installed("zsh"))("zsh (skipped where zsh is not installed: apt-get install zsh)", () => {
  test("the script parses and, after compinit, registers _berth for berth", async () => {
    expect(await shell(["zsh", "-n", scripts.zsh!])).toMatchObject({ code: 0, stderr: "" });
    const result = await shell(["zsh", "-f", "-c", `autoload -U compinit; compinit -u -D; source '${scripts.zsh}'; print -r -- $_comps[berth]; whence -w _berth`]);
    expect(result.stdout).toBe("_berth\n_berth: function\n");
  });
});

test("an unknown shell is one line naming it and the shells there are, exit 2", async () => {
  const run = await runBerth(["completion", "tcsh"]);
  expect(run).toExitWith(2);
  expect(run.stderr).toBe(`berth: bad value "tcsh" for SHELL; expected one of bash, zsh, fish\n`);
});
