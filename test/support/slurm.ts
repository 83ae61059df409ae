// A private 3-node Slurm for the end-to-end tests (scripts/slurm-localhost.sh): its own slurm.conf, munged,
// state, ports and network namespaces under one directory, and only the jobs a test submitted are cancelled.
// The host's own Slurm, if any, is never read or touched.
import { chmodSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./berth-process.ts";
import { freePortWindow } from "./free-ports.ts";

const SCRIPT = resolve(REPO_ROOT, "scripts/slurm-localhost.sh");
const TOOLS = ["sbatch", "srun", "scancel", "squeue", "scontrol", "slurmctld", "slurmd", "munged", "unshare", "nsenter", "ip", "runuser"];

/** Why the Slurm tests cannot run here, or undefined when they can. */
export function slurmMissing(): string | undefined {
  const missing = [process.getuid?.() === 0 ? undefined : "root", ...TOOLS.map((tool) => (Bun.which(tool) || existsSync(`/usr/sbin/${tool}`) ? undefined : tool))].filter(Boolean);
  return missing.length > 0 ? `skipping the Slurm end-to-end tests: missing ${missing.join(", ")} (scripts/install-e2e.sh installs Debian's slurm; .ci/run does, as root)` : undefined;
}

export interface LocalSlurm {
  /** What srun, sbatch and squeue need to reach this instance (SLURM_CONF). */
  env: Record<string, string>;
  /** srun ... asHost CMD runs CMD in that Slurm node's own network namespace, with a registry of its own. */
  asHost: string;
  sh(command: string, env?: Record<string, string>): { code: number; out: string };
  /** sbatch --parsable ARGS: the job id, remembered so that only this test's jobs are ever cancelled. */
  submit(args: string[], env?: Record<string, string>): string;
  jobRunning(id: string): boolean;
  down(): void;
}

export function startSlurm(): LocalSlurm {
  chmodSync(tmpdir(), 0o711); // munged runs as the munge user and must reach its socket directory
  const base = mkdtempSync(join(tmpdir(), "berth-slurm-"));
  chmodSync(base, 0o755);
  const env = { RUN: join(base, "run"), NET: join(base, "net"), SLURM_CONF: join(base, "run", "slurm.conf"), PORT_BASE: String(freePortWindow(100).first) };
  const jobs: string[] = [];
  const sh = (command: string, extra: Record<string, string> = {}) => {
    const run = Bun.spawnSync(["bash", "-c", command], { env: { ...process.env, ...env, ...extra }, stdout: "pipe", stderr: "pipe" });
    return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
  };
  const up = sh(`bash ${SCRIPT} up && bash ${SCRIPT} hosts`);
  if (up.code !== 0) throw new Error(`slurm-localhost.sh failed:\n${up.out}\n${readText(join(env.RUN, "slurmctld.log"))}`);
  return {
    env: { SLURM_CONF: env.SLURM_CONF },
    asHost: join(env.NET, "as-host.sh"),
    sh,
    submit(args, extra = {}) {
      const submitted = sh(`sbatch --parsable ${args.join(" ")}`, extra);
      if (submitted.code !== 0) throw new Error(`sbatch failed: ${submitted.out}`);
      const id = submitted.out.trim().split(";")[0]!;
      jobs.push(id);
      return id;
    },
    jobRunning: (id) => sh(`squeue -h -j ${id} -o %T`).out.trim() !== "",
    down() {
      if (jobs.length > 0) sh(`scancel ${jobs.join(" ")}`);
      sh(`bash ${SCRIPT} down`); // stops exactly what this instance started (its pid files), namespaces too
    },
  };
}

export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
