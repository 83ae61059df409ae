// The job's truth through a shared-directory rendezvous: `berth wait` never hands the trainer a dead,
// foreign or forged server; an earlier attempt never decides anything for a new one; a rank has one owner;
// a refusal is published; a leader needs no address by hand. Two berths on this host stand for two nodes
// (each its own registry and port pool, as separate hosts would have).
import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { berthArgv, berthEnvironment, REPO_ROOT, runBerth } from "../support/berth-process.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { FAKE_SERVER, isAlive, killLeftoverBerths, waitFor } from "../support/berth-run.ts";
import { startNode } from "../support/job-nodes.ts";

afterEach(killLeftoverBerths);

const STAND_INS = resolve(REPO_ROOT, "test/fixtures/engines/bin");
const SERVE = [...FAKE_SERVER, "--port", "{port}"];
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** A directory another user (nobody) can reach: the run's scratch directory may be passed through, not listed. */
function reachableByOthers(prefix: string, mode: number): string {
  chmodSync(tmpdir(), 0o711);
  const directory = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(directory, mode);
  return directory;
}

function waitArgs(rendezvous: string, ...extra: string[]): string[] {
  return ["wait", "--rendezvous", rendezvous, "--job", "job-1", ...extra];
}

function jobFiles(rendezvous: string, job = "job-1"): string[] {
  return existsSync(join(rendezvous, job)) ? readdirSync(join(rendezvous, job)).sort() : [];
}

describe("berth wait trusts only what it saw alive", () => {
  test("every node SIGKILLed: their records never satisfy berth wait, and a relaunch with another layout is not refused by them", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const first = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd"] }));
    expect(await runBerth(waitArgs(rendezvous, "--timeout", "25s"))).toExitWith(0);
    const servers = first.flatMap((node) => node.berth.events.filter((event) => event.state === "starting").map((event) => event.pid!));
    for (const node of first) node.berth.kill("SIGKILL");
    await waitFor(() => servers.every((pid) => !isAlive(pid)), "the servers to die with their berths");

    const stale = await runBerth(waitArgs(rendezvous, "--timeout", "2s"));
    expect(stale).toExitWith(1);
    expect(stale.stdout).toBe(""); // no address of a dead server, ever
    expect(stale.stderr).toMatch(/node 0 \(127\.0\.0\.1\) is a leftover \(berth pid \d+ on \S+ is gone\); waiting for a live node to take its place/);

    // The same job name, another layout: not refused as "launched differently" by the dead nodes.
    const waiting = runBerth(waitArgs(rendezvous, "--timeout", "25s", "--json"));
    const second = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d2t2", SERVE, { flags: ["--backend", "cmd"] }));
    const waited = await waiting;
    expect(waited).toExitWith(0);
    const result = JSON.parse(waited.stdout);
    expect(result.servers.map((server: { index: number; gpus: unknown[] }) => [server.index, server.gpus.length])).toEqual([[0, 2], [1, 2]]);
    // Any earlier attempt's records are cleared away (a relaunch within 10 s of the first is the same attempt).
    await waitFor(() => jobFiles(rendezvous).every((name) => name.startsWith("current-attempt@") || name.includes(result.attempt)), "the earlier attempt's records to go");
    for (const node of second) node.berth.kill("SIGTERM");
    for (const node of second) expect(await node.berth.result()).toExitWith(143);
  });

  test("a second berth claiming a live rank is refused (exit 3) naming the holder; the job is untouched", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd"] }));
    const waited = await runBerth(waitArgs(rendezvous, "--timeout", "25s", "--json"));
    expect(waited).toExitWith(0);
    const copy = startNode(rendezvous, 0, "vllm:d4", SERVE, { flags: ["--backend", "cmd"] });
    expect(await copy.berth.result()).toExitWith(3);
    expect(copy.berth.stderr()).toContain(`rank 0 of job job-1 (attempt ${JSON.parse(waited.stdout).attempt}) is held by berth pid ${nodes[0]!.berth.pid} on `);
    expect(copy.berth.events.some((event) => event.state === "starting")).toBe(false); // it started nothing
    expect(await runBerth(waitArgs(rendezvous, "--timeout", "5s"))).toExitWith(0);
    expect(nodes[0]!.berth.events.some((event) => event.event === "exit")).toBe(false);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });

  test("every node refused before its servers start: berth wait fails within seconds, naming the node and why", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const started = Date.now();
    const waiting = runBerth(waitArgs(rendezvous, "--timeout", "60s"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd", "--max-restarts", "2"] }));
    for (const node of nodes) expect(await node.berth.result()).toExitWith(2);
    const failed = await waiting;
    expect(failed).toExitWith(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(failed.stderr.trim()).toMatch(/^berth: the job job-1 \(attempt \S+\) failed: node [01] \(\S+\) failed: --max-restarts needs --restart on-failure \(exit 2\)$/);
    // A wait started later still learns it at once: a failure's record stays for readers.
    const later = await runBerth(waitArgs(rendezvous, "--timeout", "60s"));
    expect(later).toExitWith(1);
  });

  test("a node the plan gives no server says so for good: the job is ready without it", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d2", SERVE, { flags: ["--backend", "cmd"] }));
    expect(await nodes[1]!.berth.result()).toExitWith(0);
    const waited = await runBerth(waitArgs(rendezvous, "--timeout", "25s", "--json"));
    expect(waited).toExitWith(0);
    expect(JSON.parse(waited.stdout).servers.map((server: { node: number }) => server.node)).toEqual([0, 0]);
    nodes[0]!.berth.kill("SIGTERM");
    expect(await nodes[0]!.berth.result()).toExitWith(143);
  });

  test("a member stopped by SIGTERM while it waits for its leader exits 143 and leaves no record and nothing held", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const env = { PATH: `${STAND_INS}:${process.env.PATH}` };
    const member = startNode(rendezvous, 1, "sglang:d1t2", ["--model-path", "Qwen/Qwen3-0.6B"], { env, flags: ["--gpus-per-node", "1"] });
    await member.berth.waitForEvent((event) => String(event.text).includes("waiting for the leaders of server(s) 0"), "the member to wait for its leader");
    member.berth.kill("SIGTERM");
    expect(await member.berth.result()).toExitWith(143);
    expect(member.berth.events.at(-1)).toMatchObject({ event: "exit", code: 143, reason: "stopped by SIGTERM before the servers started" });
    expect(jobFiles(rendezvous).filter((name) => name.startsWith("attempts~"))).toEqual([]);
    const status = await runBerth(["status", "--json"], { env: { BERTH_REGISTRY_DIR: member.registry } });
    expect(JSON.parse(status.stdout).holders).toEqual([]);
  });

  test("a multi-node server's leader publishes its own address: no --leader-addr, no scheduler", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const records = mkdtempSync(join(tmpdir(), "berth-rdv-records-"));
    const env = { PATH: `${STAND_INS}:${process.env.PATH}`, FAKE_ENGINE_RECORDS: records };
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "sglang:d1t2", ["--model-path", "Qwen/Qwen3-0.6B"], { env, flags: ["--gpus-per-node", "1", "--advertise-host", "127.0.0.1"] }));
    expect(await runBerth(waitArgs(rendezvous, "--timeout", "25s"))).toExitWith(0);
    await waitFor(() => existsSync(join(records, "0-1.json")), "the member's rendezvous with its leader");
    const member = JSON.parse(readFileSync(join(records, "0-1.json"), "utf8"));
    const leader = JSON.parse(readFileSync(join(records, "0-0.json"), "utf8"));
    expect(member.argv).toContain(`127.0.0.1:${leader.bound.distInit}`);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });
});

describe("a store that blinks is not a dead node", () => {
  test.skipIf(!asRoot || Bun.which("unshare") === null)("the rendezvous directory remounted read-only for 15 s: both nodes keep serving, say so, and neither blames the other", async () => {
    const work = mkdtempSync(join(tmpdir(), "berth-ro-"));
    const rendezvous = join(work, "rdv");
    mkdirSync(rendezvous);
    const pools = [freePortWindow(60).pool, freePortWindow(60).pool];
    const node = (rank: number) => `BERTH_REGISTRY_DIR=${work}/reg${rank} ${berthArgv().join(" ")} run vllm:d4 --nodes 2 --node-rank ${rank} --simulate --gpus-per-node 2 --port-pool ${pools[rank]} --backend cmd --host 127.0.0.1 --json --grace 2s --rendezvous ${rendezvous} --job job-1 -- ${SERVE.join(" ")} > ${work}/node${rank}.log 2>&1 & echo $! > ${work}/node${rank}.pid`;
    // In a private mount namespace, so the remount touches nothing outside this test.
    const script = [
      "set -e",
      `mount -t tmpfs tmpfs ${rendezvous}`,
      node(0), node(1),
      `for i in $(seq 1 400); do grep -q '"event":"ready"' ${work}/node0.log && grep -q '"event":"ready"' ${work}/node1.log && break; sleep 0.05; done`,
      `mount -o remount,ro ${rendezvous}`,
      "sleep 15",
      `mount -o remount,rw ${rendezvous}`,
      "sleep 4",
      `for n in 0 1; do kill -0 $(cat ${work}/node$n.pid) && echo alive >> ${work}/after; done`,
      `for n in 0 1; do kill -TERM $(cat ${work}/node$n.pid); done`,
      "wait",
    ].join("\n");
    const run = Bun.spawn(["unshare", "-m", "--propagation", "private", "bash", "-c", script], { env: berthEnvironment(), stdout: "pipe", stderr: "pipe" });
    expect(await run.exited).toBe(0);
    expect(readFileSync(join(work, "after"), "utf8")).toBe("alive\nalive\n");
    for (const rank of [0, 1]) {
      const log = readFileSync(join(work, `node${rank}.log`), "utf8");
      expect(log).toMatch(/cannot reach the rendezvous \S+: cannot write in \S+: EROFS; the servers keep running, retrying for up to 60s/);
      expect(log).toContain("is reachable again after");
      expect(log).not.toContain("vanished");
      expect(log).toContain('"event":"exit","time"');
      expect(JSON.parse(log.trim().split("\n").at(-1)!)).toMatchObject({ event: "exit", code: 143 });
    }
  }, 60_000);
});

describe("a store as strict as the registry", () => {
  test("records that are not this user's, not records, or symlinks are ignored with one warning each; wait never prints them", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd"] }));
    const waited = await runBerth(waitArgs(rendezvous, "--timeout", "25s", "--json"));
    expect(waited).toExitWith(0);
    const { attempt } = JSON.parse(waited.stdout);
    const directory = join(rendezvous, "job-1");
    const forged = JSON.parse(readFileSync(join(directory, readdirSync(directory).find((name) => name.startsWith(`attempts~${attempt}~nodes~1@`))!), "utf8"));
    forged.servers[0].url = "http://203.0.113.9:9999";
    writeFileSync(join(directory, `attempts~${attempt}~nodes~1@99`), JSON.stringify(forged)); // a higher generation: it would win
    if (asRoot) chownSync(join(directory, `attempts~${attempt}~nodes~1@99`), NOBODY, NOBODY);
    else chmodSync(join(directory, `attempts~${attempt}~nodes~1@99`), 0o600);
    symlinkSync("/etc/passwd", join(directory, `attempts~${attempt}~nodes~0@99`));
    writeFileSync(join(directory, `attempts~${attempt}~nodes~5@1`), "{not json");
    const again = await runBerth(waitArgs(rendezvous, "--timeout", "3s", "--json"));
    expect(again.stdout).not.toContain("203.0.113.9");
    expect(again.stderr).toContain(`attempts~${attempt}~nodes~0@99: a symlink`);
    expect(again.stderr).toContain("not JSON");
    if (asRoot) expect(again.stderr).toContain(`attempts~${attempt}~nodes~1@99: written by uid ${NOBODY}, not this user`);
    expect(again.stderr.split("\n").filter((line) => line.includes("@99: a symlink"))).toHaveLength(1);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) await node.berth.result();
    expect(readFileSync("/etc/passwd", "utf8")).toContain("root:");
  });

  test.skipIf(!asRoot)("a job directory another user made, or planted as a symlink, is refused (exit 3) with one line", async () => {
    const rendezvous = reachableByOthers("berth-rdv-", 0o1777); // a shared root, like /tmp
    const asNobody = (command: string) => Bun.spawnSync(["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", command]);
    expect(asNobody(`mkdir -m 0777 ${rendezvous}/job-1 && ln -s /etc ${rendezvous}/job-2`).exitCode).toBe(0);
    const foreign = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--rendezvous", rendezvous, "--job", "job-1", "--", "true"]);
    expect(foreign).toExitWith(3);
    expect(foreign.stderr.trim()).toBe(`berth: the job's rendezvous directory ${rendezvous}/job-1 is owned by uid ${NOBODY}, not this user (0); refusing it (to share a job's rendezvous between users on purpose, give every berth of it --rendezvous-group GROUP)`);
    const planted = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-2", "--timeout", "2s"]);
    expect(planted).toExitWith(3);
    expect(planted.stderr.trim()).toBe(`berth: the job's rendezvous directory ${rendezvous}/job-2 is a symlink; refusing to follow it (another user may have planted it)`);
  });

  test.skipIf(!asRoot)("--rendezvous-group shares a job's directory with a group on purpose: setgid, group-writable, never writable by all", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd", "--rendezvous-group", "nogroup"] }));
    expect(await runBerth(waitArgs(rendezvous, "--timeout", "25s", "--rendezvous-group", "nogroup"))).toExitWith(0);
    const stat = Bun.spawnSync(["stat", "-c", "%a %g", join(rendezvous, "job-1")]).stdout.toString().trim();
    expect(stat).toBe(`2770 ${NOBODY}`);
    const refused = await runBerth(waitArgs(rendezvous, "--timeout", "2s")); // without the group: not this user's own 0700
    expect(refused).toExitWith(3);
    expect(refused.stderr).toContain("is writable by others (mode 2770)");
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });
});

describe("AReaL's name_resolve is a hard dependency when asked for", () => {
  test("a root that does not exist is bad input (exit 2), said before anything is reserved", async () => {
    const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--json", "--areal-name-resolve", "nfs:/proc/nope", "--areal-experiment", "e", "--areal-trial", "t", "--areal-user", "u", "--", "true"]);
    expect(run).toExitWith(2);
    expect(run.stdout).not.toContain('"event":"node"'); // nothing was reserved or started
    expect(run.stdout).toContain("bad value for --areal-name-resolve: the name_resolve root /proc/nope does not exist");
  });

  test.skipIf(!asRoot)("a root this user cannot write is the environment (exit 3)", async () => {
    const root = reachableByOthers("berth-areal-", 0o755);
    const registry = reachableByOthers("berth-registry-nobody-", 0o700);
    chownSync(registry, NOBODY, NOBODY);
    const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--areal-name-resolve", `nfs:${root}`, "--areal-experiment", "e", "--areal-trial", "t", "--areal-user", "u", "--", "true"],
      { env: { BERTH_REGISTRY_DIR: registry }, prefix: ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups"] });
    expect(run).toExitWith(3);
    expect(run.stderr).toContain(`cannot write to the name_resolve root ${root} (--areal-name-resolve): EACCES`);
  });

  test("ready comes only once the entries exist, and a symlink planted where berth writes fails the run (exit 3)", async () => {
    const root = mkdtempSync(join(tmpdir(), "berth-areal-"));
    const nodes = [0].map(() => startNode(mkdtempSync(join(tmpdir(), "berth-rdv-")), 0, "vllm:d2", SERVE, { flags: ["--nodes", "1", "--backend", "cmd", "--areal-name-resolve", `nfs:${root}`, "--areal-experiment", "grpo", "--areal-trial", "t1", "--areal-user", "alice"] }));
    const ready = await nodes[0]!.berth.waitForEvent((event) => event.event === "ready", "ready");
    expect(readdirSync(join(root, "alice/grpo/t1/gen_servers")).map((key) => readFileSync(join(root, "alice/grpo/t1/gen_servers", key, "ENTRY"), "utf8")).sort()).toEqual([...(ready.addresses as string[])].sort());
    nodes[0]!.berth.kill("SIGTERM");
    expect(await nodes[0]!.berth.result()).toExitWith(143);
    expect(readdirSync(join(root, "alice/grpo/t1/gen_servers"))).toEqual([]);

    mkdirSync(join(root, "elsewhere"));
    symlinkSync(join(root, "elsewhere"), join(root, "bob"));
    const planted = startNode(mkdtempSync(join(tmpdir(), "berth-rdv-")), 0, "vllm:d1", SERVE, { flags: ["--nodes", "1", "--backend", "cmd", "--areal-name-resolve", `nfs:${root}`, "--areal-experiment", "grpo", "--areal-trial", "t1", "--areal-user", "bob"] });
    expect(await planted.berth.result()).toExitWith(3);
    expect(planted.berth.events.some((event) => String(event.text).includes(`the name_resolve directory ${root}/bob is a symlink`))).toBe(true);
    expect(readdirSync(join(root, "elsewhere"))).toEqual([]);
  });
});

describe("AReaL's entries follow the job's truth", () => {
  test("a SIGKILLed node's entries are withdrawn by the node that survives it (--no-fail-together keeps it serving)", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const root = mkdtempSync(join(tmpdir(), "berth-areal-"));
    const areal = ["--areal-name-resolve", `nfs:${root}`, "--areal-experiment", "grpo", "--areal-trial", "t1", "--areal-user", "alice", "--no-fail-together"];
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", SERVE, { flags: ["--backend", "cmd", ...areal] }));
    for (const node of nodes) await node.berth.waitForEvent((event) => event.event === "ready", "ready");
    // An entry being withdrawn may be a directory without its ENTRY for a moment: only whole entries count.
    const entry = (key: string) => { try { return [readFileSync(join(root, "alice/grpo/t1/gen_servers", key, "ENTRY"), "utf8")]; } catch { return []; } };
    const entries = () => (existsSync(join(root, "alice/grpo/t1/gen_servers")) ? readdirSync(join(root, "alice/grpo/t1/gen_servers")).flatMap(entry).sort() : []);
    await waitFor(() => entries().length === 4, "all four entries");
    const survivor = nodes[0]!.berth.events.find((event) => event.event === "ready")!.addresses as string[];
    nodes[1]!.berth.kill("SIGKILL");
    await waitFor(() => JSON.stringify(entries()) === JSON.stringify([...survivor].sort()), "node 1's entries to be withdrawn");
    expect(nodes[0]!.berth.events.some((event) => event.event === "exit")).toBe(false); // it keeps serving
    nodes[0]!.berth.kill("SIGTERM");
    expect(await nodes[0]!.berth.result()).toExitWith(143);
    expect(entries()).toEqual([]);
  });
});

describe("node counts from scheduler variables are bounded like --nodes", () => {
  test.each(["SLURM_NNODES", "NNODES", "LWS_GROUP_SIZE"])("%s=100000000 is bad input (exit 2) at once", async (variable) => {
    const plan = await runBerth(["plan", "vllm:d1", "--gpus-per-node", "1"], { env: { [variable]: "100000000" } });
    expect(plan).toExitWith(2);
    expect(plan.stderr.trim()).toBe(`berth: bad value "100000000" for ${variable}; expected a whole number from 1 to 4096`);
    const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", "--node-rank", "0", "--", "true"], { env: { [variable]: "100000000" } });
    expect(run).toExitWith(2);
  });
});
