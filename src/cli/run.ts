// `berth run SPEC -- ARGS`: launch this node's share of the plan, supervise it, stop it cleanly.
import { defineBerthCommand } from "./command.ts";
import { LAUNCH_OPTIONS, SUPERVISE_OPTIONS } from "./run-options.ts";
import { UsageError } from "./errors.ts";
import { GPU_ENVIRONMENT, NODE_ENVIRONMENT } from "./environment-rows.ts";

/** --rendezvous and --job, checked: the job's name is required with a rendezvous and means nothing without one. */
async function rendezvousOf(options: { rendezvous?: string; job?: string; failTogether?: boolean }, origins: Record<string, string>, env: Record<string, string | undefined>) {
  if (options.rendezvous === undefined) {
    if (options.job !== undefined) throw new UsageError(`${origins.job ?? "--job"} needs --rendezvous`);
    return undefined;
  }
  const { jobName, parseRendezvous } = await import("../core/rendezvous/location.ts");
  const location = parseRendezvous(options.rendezvous, origins.rendezvous ?? "--rendezvous");
  if (!location.ok) throw new UsageError(location.message);
  const job = jobName({ value: options.job, origin: origins.job }, env);
  if (!job.ok) throw new UsageError(job.message);
  // On by default with a rendezvous: only an explicit --no-fail-together (or its twin) turns it off.
  return { location: location.location, job: job.name, failTogether: origins.failTogether === undefined ? true : options.failTogether === true };
}

type ArealOptions = { arealNameResolve?: string; arealExperiment?: string; arealTrial?: string; arealUser?: string };

/** --areal-name-resolve with its experiment, trial and user, checked before anything starts. */
async function arealOf(options: ArealOptions, origins: Record<string, string>, env: Record<string, string | undefined>) {
  if (options.arealNameResolve === undefined) {
    const stray = (["arealExperiment", "arealTrial", "arealUser"] as const).find((name) => options[name] !== undefined);
    if (stray) throw new UsageError(`${origins[stray]} needs --areal-name-resolve`);
    return undefined;
  }
  const { arealUser, checkArealNaming } = await import("../core/areal/name-resolve.ts");
  const { effectiveUid, passwdText } = await import("../host/passwd.ts");
  const user = options.arealUser ?? arealUser(env, passwdText(), effectiveUid());
  const checked = checkArealNaming({ target: options.arealNameResolve, experiment: options.arealExperiment, trial: options.arealTrial, user, origins });
  if (!checked.ok) throw new UsageError(checked.message);
  return checked.value;
}

export const runCommand = defineBerthCommand({
  positionals: [{ name: "spec", description: "Allocation spec, e.g. 'vllm:d8t1' or 'sglang[rollout]:d4t2+fsdp[actor]:d8'", required: true }],
  acceptsPassthrough: true,
  options: { ...LAUNCH_OPTIONS, ...SUPERVISE_OPTIONS },
  examples: [
    "berth run vllm:d8t1 -- --model Qwen/Qwen3-8B",
    "berth run sglang:d4t2 --manifest /tmp/m.json -- --model-path Qwen/Qwen3-8B",
    "srun --ntasks-per-node 1 berth run sglang:d2t8 --rendezvous /shared/job -- ...",
    "berth run vllm:d2 --backend cmd -- python3 serve.py --port {port}",
  ],
  environment: [...NODE_ENVIRONMENT, ...GPU_ENVIRONMENT],
  async run({ options, origins, positionals, passthrough, io, commandLine }) {
    if (options.restart === "no" && origins.maxRestarts) throw new UsageError("--max-restarts needs --restart on-failure");
    const { runNodeCommand } = await import("./run-node.ts");
    const rendezvous = await rendezvousOf(options, origins, io.env);
    const areal = await arealOf(options, origins, io.env);
    const launch = { specText: positionals.spec!, options, origins, passthrough, env: io.env, holder: { role: `run ${positionals.spec}`, command: commandLine }, commandName: "berth run" };
    return runNodeCommand({
      launch,
      supervision: {
        healthPath: options.healthPath,
        startupTimeoutMs: options.startupTimeout,
        livenessIntervalMs: options.livenessInterval,
        graceMs: options.grace,
        restart: options.restart,
        maxRestarts: options.maxRestarts,
        manifestPath: options.manifest,
        logDirectory: options.logDir,
      },
      rendezvous,
      areal,
    }, io, { addrsEnv: options.addrsEnv, json: options.json });
  },
});
