// `berth run SPEC -- ARGS`: launch this node's share of the plan, supervise it, stop it cleanly.
import { defineBerthCommand } from "./command.ts";
import { LAUNCH_OPTIONS, SUPERVISE_OPTIONS } from "./run-options.ts";
import { UsageError } from "./errors.ts";
import { GPU_ENVIRONMENT, NODE_ENVIRONMENT } from "./environment-rows.ts";
import { rendezvousChoice } from "./rendezvous-options.ts";
import { badInput, type Refusal } from "../core/refusal.ts";
import { ENDED, type Ending } from "../core/exit.ts";
import type { LaunchRequest } from "../core/node/launch-request.ts";
import { booleanOption } from "./option-kinds.ts";
import { orRefuse } from "./errors.ts";
import type { Io } from "./io.ts";

/** --rendezvous with its job, attempt, grace and group; --fail-together is on by default with a rendezvous. */
async function rendezvousOf(options: Parameters<typeof rendezvousChoice>[0] & { failTogether?: boolean }, origins: Record<string, string>, env: Record<string, string | undefined>) {
  const choice = await rendezvousChoice(options, origins, env, "--rendezvous");
  if (!choice) {
    if (origins.failTogether && options.failTogether) throw new UsageError(`${origins.failTogether} needs --rendezvous: without one this node knows no other node to fail with`);
    return undefined;
  }
  // Only an explicit --no-fail-together (or its twin) turns it off.
  return { ...choice, failTogether: origins.failTogether === undefined ? true : options.failTogether === true };
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
  const { effectiveUid, passwdText } = await import("../host/process/passwd.ts");
  const user = options.arealUser ?? arealUser(env, passwdText(), effectiveUid());
  const checked = checkArealNaming({ target: options.arealNameResolve, experiment: options.arealExperiment, trial: options.arealTrial, user, origins });
  if (!checked.ok) throw new UsageError(checked.message);
  return { ...checked.value, origin: origins.arealNameResolve ?? "--areal-name-resolve" };
}

/** --dry-run: what would start, printed; nothing taken. */
async function dryRun(launch: LaunchRequest, io: Io, json: boolean): Promise<Ending> {
  const [{ dryRunNode }, { renderDryRun }, { printJson }] = await Promise.all([import("../host/node/dry-run.ts"), import("./render/dry-run-view.ts"), import("./render/json.ts")]);
  const outcome = orRefuse(await dryRunNode(launch));
  if (json) printJson(io, { dryRun: true, ...outcome });
  else io.stdout(renderDryRun(outcome));
  return ENDED.ok;
}

export const runCommand = defineBerthCommand({
  positionals: [{ name: "spec", description: "Allocation spec, e.g. 'vllm:d8t1' or 'sglang[rollout]:d4t2+fsdp[actor]:d8'", required: true }],
  acceptsPassthrough: true,
  options: {
    ...LAUNCH_OPTIONS,
    ...SUPERVISE_OPTIONS,
    dryRun: booleanOption({ description: "Show this node's servers as berth would start them (argv, the variables berth sets, GPUs, ports, URL) and exit 0: nothing is started, reserved or written, and no rendezvous is entered" }),
  },
  examples: [
    "berth run vllm:d8t1 -- --model Qwen/Qwen3-8B",
    "berth run sglang:d4t2 --manifest /tmp/m.json -- --model-path Qwen/Qwen3-8B",
    "srun --ntasks-per-node 1 berth run sglang:d2t8 --rendezvous /shared/job -- ...",
    "berth run vllm:d2 --backend cmd -- python3 serve.py --port {port}",
  ],
  environment: [...NODE_ENVIRONMENT, ...GPU_ENVIRONMENT],
  async run({ options, origins, positionals, passthrough, io, commandLine, config }) {
    const componentsConfig = config?.values.components === undefined ? undefined : { table: config.values.components, path: config.path };
    const launch = { specText: positionals.spec!, options, origins, passthrough, env: io.env, holder: { role: `run ${positionals.spec}`, command: commandLine }, commandName: "berth run", leaderFromRendezvous: options.rendezvous !== undefined, componentsConfig };
    if (options.dryRun) return dryRun(launch, io, options.json);
    const { runNodeCommand } = await import("./run-node.ts");
    const rendezvous = await rendezvousOf(options, origins, io.env);
    // Once the rendezvous is known, a bad value is published there too (the trainer's wait fails at once).
    let refusal: Refusal | undefined;
    let areal: Awaited<ReturnType<typeof arealOf>>;
    try {
      if (options.restart === "no" && origins.maxRestarts) throw new UsageError("--max-restarts needs --restart on-failure");
      areal = await arealOf(options, origins, io.env);
    } catch (error) {
      if (!(error instanceof UsageError) || !rendezvous) throw error;
      refusal = badInput(error.message);
    }
    return runNodeCommand({
      launch,
      metricsPort: options.metricsPort,
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
      refusal,
    }, io, { addrsEnv: options.addrsEnv, json: options.json });
  },
});
