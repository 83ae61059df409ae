// Under a real Slurm of the test's own (Debian's slurmctld and three slurmd n0..n2, each node in a network
// namespace of its own: scripts/slurm-localhost.sh with a private slurm.conf, munged, state and ports): a
// multi-node SGLang stand-in whose leader publishes its address in the rendezvous, `berth wait` on the third
// node, AReaL's nfs entries, scancel, a requeue under another layout, Slurm's --kill-on-bad-exit signal
// storm, an engine that exits 0 on SIGTERM, the shipped sbatch example, and two array tasks on one node.
// Only this test's jobs are cancelled. Skipped, saying so, where root, Slurm or the namespace tools are missing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/berth-process.ts";
import { waitFor } from "../support/berth-run.ts";
import { fakeNvmlLibrary } from "../support/fake-nvml.ts";
import { freePortWindow } from "../support/free-ports.ts";
import { readText, slurmMissing, startSlurm, type LocalSlurm } from "../support/slurm.ts";

const STAND_INS = resolve(REPO_ROOT, "test/fixtures/engines/bin");
const FAKE_SERVER = `${process.execPath} ${resolve(REPO_ROOT, "test/fixtures/fake-server.ts")}`;
const BERTH = `${process.execPath} ${resolve(REPO_ROOT, "src/main.ts")}`;
const missing = slurmMissing();
if (missing) console.warn(missing);

/** A working directory the job's steps (root, in their node's namespaces) and this test share. */
function workDirectory(): string {
  return mkdtempSync(join(tmpdir(), "berth-slurm-job-"));
}

function lines(path: string): string[] {
  return readText(path).split("\n").filter(Boolean);
}

/** The last JSON event of a `berth run --json` log with that event name. */
function lastEvent(log: string, name: string): Record<string, unknown> | undefined {
  return lines(log).flatMap((line) => {
    try {
      const event = JSON.parse(line);
      return event.event === name ? [event] : [];
    } catch {
      return [];
    }
  }).pop();
}

function recordsIn(rendezvous: string): string[] {
  if (!existsSync(rendezvous)) return [];
  return readdirSync(rendezvous).flatMap((job) => readdirSync(join(rendezvous, job)).filter((name) => name.startsWith("attempts~")));
}

describe.skipIf(missing !== undefined)("under a real Slurm", () => {
  let slurm: LocalSlurm;
  beforeAll(() => {
    slurm = startSlurm();
  }, 120_000);
  afterAll(() => slurm?.down(), 60_000);

  test("sbatch: a multi-node SGLang server whose leader publishes its address, berth wait on the third node, AReaL's entries, then scancel leaves nothing", async () => {
    const work = workDirectory();
    writeFileSync(join(work, "job.sh"), [
      "#!/bin/bash",
      `export PATH=${STAND_INS}:$PATH`,
      `srun -N2 -r0 --ntasks-per-node=1 --kill-on-bad-exit=1 ${slurm.asHost} ${BERTH} run 'sglang:d1t4' --simulate --gpus-per-node 2 --port-pool ${freePortWindow(100).pool} --grace 2s --json \\`,
      `  --rendezvous ${work}/rdv --areal-name-resolve nfs:${work}/areal --areal-experiment grpo --areal-trial t1 --areal-user alice -- --model-path Qwen/Qwen3-0.6B > ${work}/run.log 2>&1 &`,
      `srun -N1 -r2 ${slurm.asHost} ${BERTH} wait --rendezvous ${work}/rdv --timeout 60s --json > ${work}/wait.json 2> ${work}/wait.err`,
      `echo $? > ${work}/wait.code`,
      "wait",
    ].join("\n"));
    mkdirSync(join(work, "areal"));
    const id = slurm.submit(["-N3", `--output=${work}/slurm.out`, join(work, "job.sh")]);
    await waitFor(() => readText(join(work, "wait.code")).trim() !== "", `berth wait in job ${id}`, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${slurm.sh(`squeue; cat ${work}/slurm.out`).out}\nrun.log:\n${readText(join(work, "run.log"))}\nwait.err:\n${readText(join(work, "wait.err"))}`);
    });
    expect({ code: readText(join(work, "wait.code")).trim(), stderr: readText(join(work, "wait.err")), run: readText(join(work, "run.log")) }).toMatchObject({ code: "0" });
    const [leader] = JSON.parse(readText(join(work, "wait.json"))).servers;
    expect(leader).toMatchObject({ index: 0, node: 0, host: "10.99.0.10", url: `http://10.99.0.10:${leader.port}`, state: "healthy" });
    // The member (node 1, in n1's namespace) reaches the leader's TCPStore on n0 at the address it published.
    await waitFor(() => readText(join(work, "run.log")).includes(`joined the TCPStore at 10.99.0.10:${leader.ports.dist}`), "the member's rendezvous with its leader", 20_000);
    const entries = readdirSync(join(work, "areal/alice/grpo/t1/gen_servers"));
    expect(entries).toHaveLength(1);
    expect(readText(join(work, "areal/alice/grpo/t1/gen_servers", entries[0]!, "ENTRY"))).toBe(`10.99.0.10:${leader.port}`);

    expect(slurm.sh(`scancel ${id}`).code).toBe(0);
    await waitFor(() => !slurm.jobRunning(id), `job ${id} to end`, 30_000);
    await waitFor(() => slurm.sh("pgrep -f fake-sglang.ts").code !== 0, "no stand-in engine left", 10_000);
    expect(slurm.sh(`pgrep -f "rendezvous ${work}/rdv"`).code).not.toBe(0); // no berth left either
    expect(recordsIn(join(work, "rdv"))).toEqual([]);
    expect(readdirSync(join(work, "areal/alice/grpo/t1/gen_servers"))).toEqual([]);
  }, 120_000);

  test("a requeued job is a new attempt: another layout under the same SLURM_JOB_ID is not refused, and its wait never sees the first attempt", async () => {
    const work = workDirectory();
    writeFileSync(join(work, "spec"), "vllm:d4");
    writeFileSync(join(work, "job.sh"), [
      "#!/bin/bash",
      `n=\${SLURM_RESTART_COUNT:-0}`,
      `srun -N2 -r0 --ntasks-per-node=1 ${slurm.asHost} ${BERTH} run "$(cat ${work}/spec)" --simulate --gpus-per-node 2 --backend cmd --port-pool ${freePortWindow(100).pool} --grace 2s --json --rendezvous ${work}/rdv -- ${FAKE_SERVER} --port {port} --bind {host} > ${work}/run.$n.log 2>&1 &`,
      `srun -N1 -r2 ${slurm.asHost} ${BERTH} wait --rendezvous ${work}/rdv --timeout 60s --json > ${work}/wait.$n.json 2> ${work}/wait.$n.err`,
      "wait",
    ].join("\n"));
    const id = slurm.submit(["-N3", "--requeue", `--output=${work}/slurm.out`, join(work, "job.sh")]);
    await waitFor(() => readText(join(work, "wait.0.json")).includes("servers"), "the first attempt's wait", 60_000);
    const first = JSON.parse(readText(join(work, "wait.0.json")));
    expect(first.attempt).toBe(`slurm-${id}.0`);
    expect(first.servers).toHaveLength(4);
    writeFileSync(join(work, "spec"), "vllm:d2t2");
    expect(slurm.sh(`scontrol requeue ${id}`).code).toBe(0);
    // Slurm holds a requeued job back for a while (BeginTime); once it is pending, let it start now.
    await waitFor(() => slurm.sh(`squeue -h -j ${id} -o %T`).out.trim() === "PENDING", "the job to be requeued", 60_000);
    expect(slurm.sh(`scontrol update jobid=${id} starttime=now`).code).toBe(0);
    await waitFor(() => readText(join(work, "wait.1.json")).includes("servers") || readText(join(work, "wait.1.err")).includes("berth:"), "the second attempt's wait", 90_000);
    expect({ wait: readText(join(work, "wait.1.err")), run: readText(join(work, "run.1.log")) }).toMatchObject({ wait: "" });
    const second = JSON.parse(readText(join(work, "wait.1.json")));
    expect(second.attempt).toBe(`slurm-${id}.1`);
    expect(second.servers.map((server: { gpus: unknown[] }) => server.gpus.length)).toEqual([2, 2]);
    await waitFor(() => recordsIn(join(work, "rdv")).every((name) => name.includes(`slurm-${id}.1`)), "the first attempt's records to be cleared", 20_000);
    expect(slurm.sh(`scancel ${id}`).code).toBe(0);
    await waitFor(() => !slurm.jobRunning(id), `job ${id} to end`, 30_000);
  }, 200_000);

  test("--kill-on-bad-exit's signal storm never cuts a berth's stop short: every node ends with its own exit line and a final record", async () => {
    const work = workDirectory();
    // Server 3 (node 1) fails once both nodes are healthy; Slurm then signals the step again and again.
    const script = `if [ {server} = 3 ]; then ${FAKE_SERVER} --port {port} --bind {host} & s=$!; sleep 2; kill $s; exit 3; fi; exec ${FAKE_SERVER} --port {port} --bind {host} --ignore-term`;
    writeFileSync(join(work, "job.sh"), [
      "#!/bin/bash",
      `srun -N2 --ntasks-per-node=1 --kill-on-bad-exit=1 ${slurm.asHost} ${BERTH} run vllm:d4 --simulate --gpus-per-node 2 --backend cmd --port-pool ${freePortWindow(100).pool} --grace 3s --rendezvous ${work}/rdv -- sh -c '${script}' > ${work}/run.log 2>&1`,
    ].join("\n"));
    const id = slurm.submit(["-N2", `--output=${work}/slurm.out`, join(work, "job.sh")]);
    await waitFor(() => !slurm.jobRunning(id), `job ${id} to end`, 60_000);
    const log = readText(join(work, "run.log"));
    // Both berths finished their own stop: each printed its exit line (none was killed by the storm)...
    expect(log.split("\n").filter((line) => /^berth: exit \d+: /.test(line.replace(/^\d+: /, ""))).length).toBe(2);
    expect(log).not.toMatch(/Terminated|Killed/);
    // ...and wrote its final record: the failure stays for readers; a node Slurm stopped (143) removed its own.
    const records = readdirSync(join(work, "rdv")).flatMap((job) => readdirSync(join(work, "rdv", job)).filter((name) => name.startsWith("attempts~")).map((name) => JSON.parse(readText(join(work, "rdv", job, name)))));
    expect(records.map((record) => [record.rank, record.state])).toContainEqual([1, "failed"]);
    expect(records.filter((record) => record.state === "running" || record.state === "starting")).toEqual([]);
  }, 90_000);

  test("scancel of a job whose engine exits 0 on SIGTERM (as uvicorn does): its servers are stopped, not failed, and berth exits 143", async () => {
    const work = workDirectory();
    writeFileSync(join(work, "job.sh"), [
      "#!/bin/bash",
      `srun -N1 ${BERTH} run vllm:d2 --simulate --gpus-per-node 2 --backend cmd --host 127.0.0.1 --port-pool ${freePortWindow(100).pool} --grace 2s --json --manifest ${work}/manifest.json -- ${FAKE_SERVER} --port {port} > ${work}/run.log 2>&1`,
    ].join("\n"));
    const id = slurm.submit(["-N1", `--output=${work}/slurm.out`, join(work, "job.sh")]);
    await waitFor(() => lastEvent(join(work, "run.log"), "ready") !== undefined, "ready", 30_000);
    expect(slurm.sh(`scancel ${id}`).code).toBe(0);
    await waitFor(() => lastEvent(join(work, "run.log"), "exit") !== undefined, "berth's exit", 30_000);
    expect(lastEvent(join(work, "run.log"), "exit")).toMatchObject({ code: 143 });
    expect(JSON.parse(readText(join(work, "manifest.json"))).servers.map((server: { state: string }) => server.state)).toEqual(["stopped", "stopped"]);
  }, 60_000);

  test("a refusal on one node before its servers start: the trainer's berth wait on the third node fails within seconds, naming it", async () => {
    const work = workDirectory();
    writeFileSync(join(work, "job.sh"), [
      "#!/bin/bash",
      `srun -N2 -r0 --ntasks-per-node=1 ${slurm.asHost} bash -c '[ "$SLURM_NODEID" = 1 ] && bad="--max-restarts 2"; exec ${BERTH} run vllm:d4 --simulate --gpus-per-node 2 --backend cmd --port-pool ${freePortWindow(100).pool} --grace 2s --rendezvous ${work}/rdv $bad -- ${FAKE_SERVER} --port {port} --bind {host}' > ${work}/run.log 2>&1 &`,
      `start=$(date +%s); srun -N1 -r2 ${slurm.asHost} ${BERTH} wait --rendezvous ${work}/rdv --timeout 120s 2> ${work}/wait.err; echo "$? $(( $(date +%s) - start ))" > ${work}/wait.code`,
      "wait",
    ].join("\n"));
    const id = slurm.submit(["-N3", `--output=${work}/slurm.out`, join(work, "job.sh")]);
    await waitFor(() => readText(join(work, "wait.code")).trim() !== "", "berth wait to end", 60_000);
    const [code, seconds] = readText(join(work, "wait.code")).trim().split(" ").map(Number);
    expect({ code, stderr: readText(join(work, "wait.err")) }).toMatchObject({ code: 1 });
    expect(seconds!).toBeLessThan(20);
    expect(readText(join(work, "wait.err"))).toMatch(/node 1 \(\S+\) failed: --max-restarts needs --restart on-failure \(exit 2\)/);
    await waitFor(() => !slurm.jobRunning(id), `job ${id} to end`, 30_000);
  }, 90_000);

  test("examples/slurm/sglang-two-nodes.sbatch as shipped: the trainer gets its placement and AREAL_LLM_SERVER_ADDRS, the job's status is the trainer's, and nothing is left", async () => {
    const work = workDirectory();
    const bin = join(work, "bin");
    mkdirSync(bin);
    mkdirSync(join(work, "areal"));
    writeFileSync(join(bin, "berth"), `#!/bin/sh\nexec ${BERTH} "$@"\n`, { mode: 0o755 });
    const trainer = join(work, "train.sh");
    writeFileSync(trainer, `#!/bin/sh\necho "$AREAL_LLM_SERVER_ADDRS $CUDA_VISIBLE_DEVICES $MASTER_ADDR $MASTER_PORT $NNODES $NODE_RANK" > ${work}/trainer.out\nexit 7\n`, { mode: 0o755 });
    const env = {
      PATH: `${bin}:${STAND_INS}:${process.env.PATH}`,
      SPEC: "sglang:d1t4+fsdp[actor]:d2",
      MODEL: "Qwen/Qwen3-0.6B",
      RENDEZVOUS: join(work, "rdv"),
      TRAINER: trainer,
      BERTH_FLAGS: `--simulate --gpus-per-node 2 --grace 2s --areal-name-resolve nfs:${work}/areal --areal-experiment e --areal-trial t --areal-user u`,
      WAIT_FLAGS: "--simulate",
      LAUNCH: slurm.asHost,
    };
    const example = resolve(REPO_ROOT, "examples/slurm/sglang-two-nodes.sbatch");
    const submitted = slurm.sh(`sbatch --parsable --wait --output=${work}/slurm.out ${example}`, env);
    expect({ code: submitted.code, out: readText(join(work, "slurm.out")) }).toMatchObject({ code: 7 }); // the trainer's status
    // The servers' leader on n0; the trainer on n2 with both of its GPUs and MASTER_ADDR its own address.
    expect(readText(join(work, "trainer.out")).trim()).toMatch(/^10\.99\.0\.10:\d+ 0,1 10\.99\.0\.12 \d+ 1 0$/);
    expect(slurm.sh("pgrep -f fake-sglang.ts").code).not.toBe(0);
    const left = recordsIn(join(work, "rdv")).map((name) => readText(join(work, "rdv", readdirSync(join(work, "rdv"))[0]!, name)));
    expect({ left, out: left.length === 0 ? "" : readText(join(work, "slurm.out")) }).toEqual({ left: [], out: "" }); // berth's own stop ran on both nodes
    expect(readdirSync(join(work, "areal/u/e/t/gen_servers"))).toEqual([]);
  }, 120_000);

  // Two tasks of one `sbatch --array` on one node with 4 idle GPUs (the fake NVML library) and one port pool:
  // GPUs and blocks are chosen like ports, so tasks that fit come up side by side; a task that does not fit is
  // refused naming what holds the GPUs, and its trainer's `berth wait` fails within seconds instead of hanging.
  describe("sbatch --array: two tasks on one node's 4 GPUs", () => {
    const GPUS = [0, 1, 2, 3].map((index) => `uuid=GPU-bbbb000${index}-0000-4000-8000-00000000000${index}`).join(";");

    async function runArray(spec: string): Promise<{ work: string; tasks: { code: number; seconds: number; wait: string; err: string; run: string }[] }> {
      const work = workDirectory();
      const launch = `srun -n1 --overlap ${slurm.asHost}`;
      writeFileSync(join(work, "job.sh"), [
        "#!/bin/bash",
        "t=$SLURM_ARRAY_TASK_ID",
        `${launch} ${BERTH} run ${spec} --backend cmd --port-pool ${freePortWindow(200).pool} --grace 2s --json --rendezvous ${work}/rdv -- ${FAKE_SERVER} --port {port} --bind {host} > ${work}/run.$t.log 2>&1 &`,
        `start=$(date +%s); ${launch} ${BERTH} wait --rendezvous ${work}/rdv --timeout 60s --json > ${work}/wait.$t.json 2> ${work}/wait.$t.err; echo "$? $(( $(date +%s) - start ))" > ${work}/wait.$t.code`,
        "wait",
      ].join("\n"));
      const id = slurm.submit(["--array=0-1", "-w", "n0", "-n1", `--output=${work}/slurm.%a.out`, join(work, "job.sh")], { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), FAKE_NVML_GPUS: GPUS });
      const codeFile = (task: number) => join(work, `wait.${task}.code`);
      await waitFor(() => [0, 1].every((task) => readText(codeFile(task)).trim() !== ""), "both tasks' berth wait to end", 90_000);
      const tasks = [0, 1].map((task) => {
        const [code, seconds] = readText(codeFile(task)).trim().split(" ").map(Number);
        return { code: code!, seconds: seconds!, wait: readText(join(work, `wait.${task}.json`)), err: readText(join(work, `wait.${task}.err`)), run: readText(join(work, `run.${task}.log`)) };
      });
      expect(slurm.sh(`scancel ${id}`).code).toBe(0);
      await waitFor(() => !slurm.jobRunning(id), `job ${id} to end`, 30_000);
      return { work, tasks };
    }

    test("vllm:d2 each: both come up, on GPUs and ports of their own", async () => {
      const { tasks } = await runArray("vllm:d2");
      expect(tasks.map(({ code, err }) => ({ code, err }))).toEqual([{ code: 0, err: "" }, { code: 0, err: "" }]);
      const servers = tasks.flatMap((task) => JSON.parse(task.wait).servers as { port: number; gpus: { uuid: string }[] }[]);
      expect(new Set(servers.flatMap((server) => server.gpus.map((gpu) => gpu.uuid))).size).toBe(4);
      expect(new Set(servers.map((server) => server.port)).size).toBe(4);
    }, 150_000);

    test("vllm:d3 each: one comes up, the other is refused naming the holder, and its berth wait fails within seconds", async () => {
      const { tasks } = await runArray("vllm:d3");
      const [up, refused] = [...tasks].sort((a, b) => a.code - b.code);
      expect({ code: up!.code, err: up!.err }).toEqual({ code: 0, err: "" });
      expect({ code: refused!.code, err: refused!.err, run: refused!.run }).toMatchObject({ code: 1, err: expect.stringMatching(/node 0 \(\S+\) failed: .*GPU \d held by pid \d+ \(run vllm:d3.*\(exit 3\)/) });
      expect(refused!.seconds).toBeLessThan(20);
      expect(refused!.run).toMatch(/"code":3/);
    }, 150_000);
  });

  test("berth run straight in a 2-node batch script warns that the other nodes need srun", async () => {
    const work = workDirectory();
    // This one runs in the host's own network namespace (no as-host.sh): its pool is found free at run time.
    writeFileSync(join(work, "job.sh"), `#!/bin/bash\n${BERTH} run 'vllm:d4' --simulate --gpus-per-node 2 --backend cmd --health-path none --port-pool ${freePortWindow(100).pool} -- true\n`);
    const submitted = slurm.sh(`sbatch --parsable --wait -N2 --output=${work}/slurm.out ${join(work, "job.sh")}`);
    expect(submitted.code).not.toBe(0); // the unasked exit of `true` fails the run
    expect(readText(join(work, "slurm.out"))).toContain("this looks like the batch script of a 2-node Slurm job (SLURM_JOB_ID set, no SLURM_STEP_ID)");
  }, 60_000);
});
