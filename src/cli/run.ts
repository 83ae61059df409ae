// `berth run SPEC -- ARGS`: launch this node's share of the plan, supervise it, stop it cleanly.
import { defineBerthCommand } from "./command.ts";
import { LAUNCH_OPTIONS, SUPERVISE_OPTIONS } from "./run-options.ts";
import { UsageError } from "./errors.ts";

export const runCommand = defineBerthCommand({
  positionals: [{ name: "spec", description: "Allocation spec, e.g. 'vllm:d8t1' or 'sglang[rollout]:d4t2+fsdp[actor]:d8'", required: true }],
  acceptsPassthrough: true,
  options: { ...LAUNCH_OPTIONS, ...SUPERVISE_OPTIONS },
  async run({ options, origins, positionals, passthrough, io, commandLine }) {
    if (options.restart === "no" && origins.maxRestarts) throw new UsageError("--max-restarts needs --restart on-failure");
    const { runNodeCommand } = await import("./run-node.ts");
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
    }, io, { addrsEnv: options.addrsEnv, json: options.json });
  },
});
