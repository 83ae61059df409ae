// One job, many nodes, through a rendezvous in a shared directory: two berths on this host stand for two
// nodes (each its own registry and port pool, as separate hosts would have), and `berth wait` is the trainer.
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT, runBerth } from "../support/berth-process.ts";
import { FAKE_SERVER, isAlive, killLeftoverBerths, waitFor } from "../support/berth-run.ts";
import { startNode } from "../support/job-nodes.ts";

afterEach(killLeftoverBerths);

const STAND_INS = resolve(REPO_ROOT, "test/fixtures/engines/bin");

function waitJson(stdout: string): { servers: { index: number; node: number; url: string; host: string; port: number; state: string }[] } {
  return JSON.parse(stdout);
}

describe("a shared-directory rendezvous", () => {
  test("berth wait returns every server of both nodes in global index order, as JSON and as AREAL_LLM_SERVER_ADDRS", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] }));
    const waited = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s", "--json"]);
    expect(waited).toExitWith(0);
    const servers = waitJson(waited.stdout).servers;
    expect(servers.map((server) => [server.index, server.node, server.state])).toEqual([[0, 0, "healthy"], [1, 0, "healthy"], [2, 1, "healthy"], [3, 1, "healthy"]]);
    for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const env = await runBerth(["wait", "--rendezvous", `file://${rendezvous}`, "--job", "job-1", "--format", "env"]);
    expect(env.stdout.trim()).toBe(`AREAL_LLM_SERVER_ADDRS=${servers.map((server) => `127.0.0.1:${server.port}`).join(",")}`);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });

  test("a server failing on node 1 stops node 0 too (--fail-together)", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const gate = join(rendezvous, "fail-now");
    const script = `${FAKE_SERVER.join(" ")} --port {port} & server=$!; if [ {server} = 3 ]; then while [ ! -e ${gate} ]; do sleep 0.02; done; kill $server; exit 3; fi; wait $server`;
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", ["sh", "-c", script], { flags: ["--backend", "cmd"] }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s"])).toExitWith(0);
    writeFileSync(gate, "");
    expect(await nodes[1]!.berth.result()).toExitWith(3);
    expect(await nodes[0]!.berth.result()).toExitWith(1);
    const why = nodes[0]!.berth.events.find((event) => String(event.text).includes("the job failed elsewhere"));
    expect(String(why?.text)).toMatch(/the job failed elsewhere: (server 3 on node 1 \(127.0.0.1\) failed|node 1 \(127.0.0.1\) failed: server 3 failed)/);
  });

  test("berth wait fails at once, naming the server, when one fails before the job is ready; and times out with one line", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const script = `if [ {server} = 3 ]; then sleep 0.5; exit 3; fi; exec ${FAKE_SERVER.join(" ")} --port {port}`;
    const waiting = runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s"]);
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", ["sh", "-c", script], { flags: ["--backend", "cmd"] }));
    const failed = await waiting;
    expect(failed).toExitWith(1);
    expect(failed.stderr.trim()).toMatch(/^berth: the job job-1 \(attempt [\w.-]+\) failed: (server 3 on node 1 \(127\.0\.0\.1\) failed|node 1 \(127\.0\.0\.1\) failed: server 3 failed \(exit 3\))$/);
    for (const node of nodes) expect((await node.berth.result()).code).not.toBe(0);
    const nobody = await runBerth(["wait", "--rendezvous", mkdtempSync(join(tmpdir(), "berth-rdv-")), "--job", "job-1", "--timeout", "1s"]);
    expect(nobody).toExitWith(1);
    expect(nobody.stderr.trim()).toBe("berth: timed out after 1s waiting for job job-1: no node has published yet");
  });

  test("a node whose berth is SIGKILLed vanishes (its heartbeat stops): the other node stops, and nothing is left", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] }));
    expect(await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s"])).toExitWith(0);
    const orphans = nodes[1]!.berth.events.filter((event) => event.state === "starting").map((event) => event.pid!);
    nodes[1]!.berth.kill("SIGKILL");
    // Node 0 stops within seconds; if not, what it said (its events) shows how far it got.
    const ended = await Promise.race([nodes[0]!.berth.exited.then(() => true), Bun.sleep(20_000).then(() => false)]);
    if (!ended) throw new Error(`node 0 did not stop within 20 s of node 1's SIGKILL; its stderr:\n${nodes[0]!.berth.stderr()}\nits events:\n${nodes[0]!.berth.events.map((event) => JSON.stringify(event)).join("\n")}\n${readdirSync(join(rendezvous, "job-1")).map((name) => `${name}: ${readFileSync(join(rendezvous, "job-1", name), "utf8").slice(0, 600)}`).join("\n")}`);
    expect(await nodes[0]!.berth.result()).toExitWith(1);
    await waitFor(() => orphans.every((pid) => !isAlive(pid)), "node 1's servers to die with their berth");
    // Both "nodes" share this host's boot, so node 0 checks node 1's berth itself and needs no heartbeat timeout.
    expect(nodes[0]!.berth.events.some((event) => /the job failed elsewhere: node 1 \(127\.0\.0\.1\) vanished: berth pid \d+ on \S+ is gone/.test(String(event.text)))).toBe(true);
  });

  test("a node launched with a different spec is refused, naming both", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const first = startNode(rendezvous, 0, "vllm:d4", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] });
    await first.berth.waitForEvent((event) => event.event === "ready", "node 0 ready");
    const second = startNode(rendezvous, 1, "vllm:d2t2", [...FAKE_SERVER, "--port", "{port}"], { flags: ["--backend", "cmd"] });
    expect(await second.berth.result()).toExitWith(2);
    expect(second.berth.stderr()).toMatch(/node 0 \(127\.0\.0\.1, berth pid \d+ on \S+\) runs "vllm:d4" on 2 node\(s\) × 2 GPUs, but this node "vllm:d2t2" on 2 node\(s\) × 2 GPUs; every node of a job attempt must be launched alike/);
    first.berth.kill("SIGTERM");
    expect(await first.berth.result()).toExitWith(143);
  });

  test("a multi-node SGLang server: the member dials the leader's published port (its own pool differs) and completes the rendezvous", async () => {
    const rendezvous = mkdtempSync(join(tmpdir(), "berth-rdv-"));
    const records = mkdtempSync(join(tmpdir(), "berth-rdv-records-"));
    const env = { PATH: `${STAND_INS}:${process.env.PATH}`, FAKE_ENGINE_RECORDS: records };
    const flags = ["--gpus-per-node", "1", "--leader-addr", "127.0.0.1"];
    const nodes = [0, 1].map((rank) => startNode(rendezvous, rank, "sglang:d1t2", ["--model-path", "Qwen/Qwen3-0.6B"], { env, flags }));
    const waited = await runBerth(["wait", "--rendezvous", rendezvous, "--job", "job-1", "--timeout", "25s", "--json"]);
    expect(waited).toExitWith(0);
    const [leader] = waitJson(waited.stdout).servers;
    // The member joins its leader's TCPStore on its own time (its berth calls it healthy once the leader is).
    await waitFor(() => existsSync(join(records, "0-1.json")), "the member's rendezvous with its leader");
    const member = JSON.parse(readFileSync(join(records, "0-1.json"), "utf8"));
    const leaderRecord = JSON.parse(readFileSync(join(records, "0-0.json"), "utf8"));
    expect(member.bound.distInit).toBe(leaderRecord.bound.distInit); // the member reached the leader's TCPStore
    expect(member.argv).toContain(`127.0.0.1:${leaderRecord.bound.distInit}`);
    expect(leader!.url).toBe(`http://127.0.0.1:${leaderRecord.bound.http}`);
    for (const node of nodes) node.berth.kill("SIGTERM");
    for (const node of nodes) expect(await node.berth.result()).toExitWith(143);
  });

  test("--job without --rendezvous, a relative directory and no job name are bad input", async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [["--job", "x"], {}, "--job needs --rendezvous"],
      [["--rendezvous", "shared/x", "--job", "x"], {}, 'bad value "shared/x" for --rendezvous: a directory must be an absolute path'],
      [["--rendezvous", "/tmp/x"], {}, "--rendezvous needs the job's name: pass --job NAME"],
      [["--rendezvous", "/tmp/x", "--job", "a b"], {}, 'bad value "a b" for --job as the job name'],
      [["--rendezvous", "etcd://host"], { SLURM_JOB_ID: "5" }, 'bad value "etcd://host" for --rendezvous: an etcd address is host:port'],
    ];
    for (const [flags, env, expected] of cases) {
      const run = await runBerth(["run", "vllm:d1", "--simulate", "--gpus-per-node", "1", "--backend", "cmd", ...flags, "--", "true"], { env });
      expect(run).toExitWith(2);
      expect(run.stderr).toContain(expected);
    }
    const wait = await runBerth(["wait"]);
    expect(wait).toExitWith(2);
    expect(wait.stderr).toContain("berth wait needs --rendezvous URL");
  });
});
