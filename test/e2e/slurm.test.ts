// Under a real Slurm (Debian's slurmctld, three slurmd n0..n2 on this host, each node in a network namespace
// of its own: scripts/slurm-localhost.sh): a 2-node job whose multi-node SGLang stand-in completes its
// rendezvous across the node namespaces, `berth wait` on the third node, AReaL's nfs entries read back, and
// scancel leaving nothing behind. Skipped, saying so, where root, Slurm or the namespace tools are missing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/berth-process.ts";
import { waitFor } from "../support/berth-run.ts";
import { freePortWindow } from "../support/free-ports.ts";

const SCRIPT = resolve(REPO_ROOT, "scripts/slurm-localhost.sh");
const AS_HOST = "/tmp/slurm-test/as-host.sh";
const STAND_INS = resolve(REPO_ROOT, "test/fixtures/engines/bin");
const BERTH = `${process.execPath} ${resolve(REPO_ROOT, "src/main.ts")}`;

const missing = [
  process.getuid?.() === 0 ? undefined : "root",
  ...["sbatch", "srun", "scancel", "squeue", "slurmctld", "slurmd", "munged", "unshare", "nsenter", "ip"].map((tool) => (Bun.which(tool) || existsSync(`/usr/sbin/${tool}`) ? undefined : tool)),
].filter(Boolean);
if (missing.length > 0) console.warn(`skipping the Slurm end-to-end tests: missing ${missing.join(", ")} (scripts/install-e2e.sh installs Debian's slurm; .ci/run does, as root)`);

function sh(command: string): { code: number; out: string } {
  const run = Bun.spawnSync(["bash", "-c", command], { stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
}

function jobRunning(id: string): boolean {
  return sh(`squeue -h -j ${id} -o %T`).out.trim() !== "";
}

describe.skipIf(missing.length > 0)("under a real Slurm", () => {
  beforeAll(() => {
    const up = sh(`bash ${SCRIPT} up && bash ${SCRIPT} hosts`);
    if (up.code !== 0) throw new Error(`slurm-localhost.sh failed:\n${up.out}`);
  }, 180_000);

  afterAll(() => {
    sh("scancel --user=root 2>/dev/null; true");
    sh(`bash ${SCRIPT} down`); // stops exactly what the script started (its pid files), namespaces too
  }, 60_000);

  test("sbatch: a multi-node SGLang server across two node namespaces, berth wait on the third node, AReaL's entries, then scancel leaves nothing", async () => {
    const work = mkdtempSync("/tmp/berth-slurm-");
    const job = join(work, "job.sh");
    writeFileSync(job, [
      "#!/bin/bash",
      `export PATH=${STAND_INS}:$PATH`,
      `srun -N2 -r0 --ntasks-per-node=1 --kill-on-bad-exit=1 ${AS_HOST} ${BERTH} run 'sglang:d1t4' --simulate --gpus-per-node 2 --port-pool ${freePortWindow(100).pool} --grace 2s --json \\`,
      `  --rendezvous ${work}/rdv --areal-name-resolve nfs:${work}/areal --areal-experiment grpo --areal-trial t1 --areal-user alice -- --model-path Qwen/Qwen3-0.6B > ${work}/run.log 2>&1 &`,
      `srun -N1 -r2 ${AS_HOST} ${BERTH} wait --rendezvous ${work}/rdv --timeout 60s --json > ${work}/wait.json 2> ${work}/wait.err`,
      `echo $? > ${work}/wait.code`,
      "wait",
    ].join("\n"));
    const submitted = sh(`sbatch --parsable -N3 --output=${work}/slurm.out ${job}`);
    expect(submitted.code).toBe(0);
    const id = submitted.out.trim();
    await waitFor(() => readText(join(work, "wait.code")).trim() !== "", `berth wait in job ${id}`, 60_000);
    expect({ code: readText(join(work, "wait.code")).trim(), stderr: readText(join(work, "wait.err")), run: readText(join(work, "run.log")) }).toMatchObject({ code: "0" });
    const [leader] = JSON.parse(readText(join(work, "wait.json"))).servers;
    expect(leader).toMatchObject({ index: 0, node: 0, host: "10.99.0.10", url: `http://10.99.0.10:${leader.port}`, state: "healthy" });
    // The member (node 1, in n1's namespace) reaches the leader's TCPStore on n0 through the bridge.
    await waitFor(() => readText(join(work, "run.log")).includes(`joined the TCPStore at 10.99.0.10:${leader.ports.dist}`), "the member's rendezvous with its leader", 20_000);
    const entries = readdirSync(join(work, "areal/alice/grpo/t1/gen_servers"));
    expect(entries).toHaveLength(1);
    expect(readText(join(work, "areal/alice/grpo/t1/gen_servers", entries[0]!, "ENTRY"))).toBe(`10.99.0.10:${leader.port}`);

    expect(sh(`scancel ${id}`).code).toBe(0);
    await waitFor(() => !jobRunning(id), `job ${id} to end`, 30_000);
    await waitFor(() => sh("pgrep -f fake-sglang.ts").code !== 0, "no stand-in engine left", 10_000);
    expect(sh(`pgrep -f "rendezvous ${work}/rdv"`).code).not.toBe(0); // no berth left either
    expect(readdirSync(join(work, "rdv")).flatMap((jobDirectory) => readdirSync(join(work, "rdv", jobDirectory)))).toEqual([]);
    expect(readdirSync(join(work, "areal/alice/grpo/t1/gen_servers"))).toEqual([]);
  }, 120_000);

  test("examples/slurm/sglang-two-nodes.sbatch as shipped: the trainer gets AREAL_LLM_SERVER_ADDRS, and the job ends cleanly when it is done", async () => {
    const work = mkdtempSync("/tmp/berth-slurm-");
    const bin = join(work, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "berth"), `#!/bin/sh\nexec ${BERTH} "$@"\n`, { mode: 0o755 });
    const trainer = join(work, "train.sh");
    writeFileSync(trainer, `#!/bin/sh\necho "$AREAL_LLM_SERVER_ADDRS" > ${work}/trainer.out\n`, { mode: 0o755 });
    const env = {
      ...process.env,
      PATH: `${bin}:${STAND_INS}:${process.env.PATH}`,
      SPEC: "sglang:d1t4",
      MODEL: "Qwen/Qwen3-0.6B",
      RENDEZVOUS: join(work, "rdv"),
      TRAINER: trainer,
      BERTH_FLAGS: "--simulate --gpus-per-node 2 --grace 2s",
      LAUNCH: AS_HOST,
    };
    const example = resolve(REPO_ROOT, "examples/slurm/sglang-two-nodes.sbatch");
    const submitted = Bun.spawnSync(["sbatch", "--parsable", "--wait", `--output=${work}/slurm.out`, example], { env, stdout: "pipe", stderr: "pipe" });
    expect({ code: submitted.exitCode, out: readText(join(work, "slurm.out")) }).toMatchObject({ code: 0 });
    expect(readText(join(work, "trainer.out")).trim()).toMatch(/^10\.99\.0\.10:\d+$/);
    expect(sh("pgrep -f fake-sglang.ts").code).not.toBe(0);
  }, 90_000);

  test("berth run straight in a 2-node batch script warns that the other nodes need srun", async () => {
    const work = mkdtempSync("/tmp/berth-slurm-");
    const job = join(work, "job.sh");
    // This one runs in the host's own network namespace (no as-host.sh): its pool is found free at run time.
    writeFileSync(job, `#!/bin/bash\n${BERTH} run 'vllm:d4' --simulate --gpus-per-node 2 --backend cmd --health-path none --port-pool ${freePortWindow(100).pool} -- true\n`);
    const submitted = sh(`sbatch --parsable --wait -N2 --output=${work}/slurm.out ${job}`);
    expect(submitted.code).not.toBe(0); // the unasked exit of `true` fails the run
    expect(readText(join(work, "slurm.out"))).toContain("this looks like the batch script of a 2-node Slurm job (SLURM_JOB_ID set, no SLURM_STEP_ID)");
  }, 60_000);
});

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
