// AReaL's name_resolve written exactly as AReaL's trainer reads it (nfs: <root>/<key>/ENTRY, one file per
// entry directory), with real fixture servers.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, killLeftoverBerths, startBerth, waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

afterEach(killLeftoverBerths);

/** What AReaL's NFS name_resolve returns for a subtree: the value of each entry directory holding exactly ENTRY. */
function arealSubtree(root: string, prefix: string): string[] {
  const base = join(root, prefix);
  if (!existsSync(base)) return [];
  return readdirSync(base).filter((name) => !name.startsWith(".")).map((name) => {
    const files = readdirSync(join(base, name));
    expect(files).toEqual(["ENTRY"]); // AReaL rejects an entry directory with any other file in it
    return readFileSync(join(base, name, "ENTRY"), "utf8");
  }).sort();
}

const ARGS = ["--areal-experiment", "grpo", "--areal-trial", "t1", "--areal-user", "alice"];

describe("--areal-name-resolve nfs:ROOT", () => {
  test("each server gets alice/grpo/t1/gen_servers/<8 hex>/ENTRY = host:port once the node is healthy; stale entries go, others stay; all go at the end", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-areal-"));
    const prefix = "alice/grpo/t1/gen_servers";
    mkdirSync(join(root, prefix, "deadbeef"), { recursive: true });
    writeFileSync(join(root, prefix, "deadbeef", "ENTRY"), "10.0.0.9:1234"); // a previous trial's server
    mkdirSync(join(root, "alice/grpo/t1/trainer"), { recursive: true });
    writeFileSync(join(root, "alice/grpo/t1/trainer/ENTRY"), "keep me");
    const berth = startBerth(["run", "vllm:d2", "--simulate", "--gpus-per-node", "2", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--host", "127.0.0.1", "--json", "--grace", "2s",
      "--areal-name-resolve", `nfs:${root}`, ...ARGS, "--", ...FAKE_SERVER, "--port", "{port}"]);
    const ready = await berth.waitForEvent((event) => event.event === "ready", "ready");
    await waitFor(() => arealSubtree(root, prefix).length === 2 && !existsSync(join(root, prefix, "deadbeef")), "the entries");
    expect(arealSubtree(root, prefix)).toEqual([...(ready.addresses as string[])].sort());
    for (const name of readdirSync(join(root, prefix))) expect(name).toMatch(/^[0-9a-f]{8}$/);
    expect(readFileSync(join(root, "alice/grpo/t1/trainer/ENTRY"), "utf8")).toBe("keep me");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
    expect(arealSubtree(root, prefix)).toEqual([]);
    expect(readFileSync(join(root, "alice/grpo/t1/trainer/ENTRY"), "utf8")).toBe("keep me");
  });

  test("the user comes from LOGNAME, USER, LNAME, USERNAME like getpass.getuser()", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-areal-"));
    const berth = startBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--port-pool", freePortWindow(100).pool, "--backend", "cmd", "--host", "127.0.0.1", "--json",
      "--areal-name-resolve", `nfs:${root}`, "--areal-experiment", "e", "--areal-trial", "t", "--", ...FAKE_SERVER, "--port", "{port}"], { env: { USER: "bob", LNAME: "carol" } });
    await berth.waitForEvent((event) => event.event === "ready", "ready");
    await waitFor(() => arealSubtree(root, "bob/e/t/gen_servers").length === 1, "bob's entry");
    berth.kill("SIGTERM");
    expect(await berth.result()).toExitWith(143);
  });

  test.each([
    [["--areal-name-resolve", "ray:x", ...ARGS], "AReaL's Ray backend cannot be written from outside; give the trainer AREAL_LLM_SERVER_ADDRS instead"],
    [["--areal-name-resolve", "nfs:relative", ...ARGS], "the root must be an absolute path"],
    [["--areal-name-resolve", "nfs:/tmp/x"], "--areal-name-resolve needs --areal-experiment E and --areal-trial T"],
    [["--areal-trial", "t"], "--areal-trial needs --areal-name-resolve"],
    [["--areal-name-resolve", "nfs:/tmp/x", "--areal-experiment", "a/b", "--areal-trial", "t"], 'bad value "a/b" for --areal-experiment'],
  ])("%p is bad input", async (flags, expected) => {
    const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", ...flags, "--", "true"]);
    expect(run).toExitWith(2);
    expect(run.stderr).toContain(expected);
  });
});
