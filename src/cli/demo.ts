// `berth demo`: the main job on a machine without GPUs: `berth run` on simulated GPUs with a tiny built-in
// HTTP server per slot, showing the live table, the manifest and a clean stop.
import { cmdBackend } from "../core/launch/backends/cmd.ts";
import { LIVENESS_DEFAULT_MS } from "../core/supervise/timing.ts";
import { defineBerthCommand } from "./command.ts";
import { booleanOption, durationOption, integerOption, portRangeOption, stringOption } from "./option-kinds.ts";
import { DEMO_SERVER_COMMAND } from "../core/hidden-commands.ts";
import { selfArgv } from "../host/process/self-process.ts";
import { METRICS_PORT_OPTION } from "./run-options.ts";

export const demoCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {
    servers: integerOption({ description: "How many demo servers (one simulated GPU each)", min: 1, max: 64, default: 4 }),
    duration: durationOption({ description: "Stop cleanly this long after all servers are healthy (0: until Ctrl-C)", default: 10_000 }),
    manifest: stringOption({ description: "Write the manifest here", valueHint: "FILE" }),
    portPool: portRangeOption({ description: "Ports to cut into server blocks", min: 1024, max: 65535, defaultHint: "10000 to one below ip_local_port_range's low end" }),
    addrsEnv: booleanOption({ description: "When ready, print AREAL_LLM_SERVER_ADDRS=host:port,…" }),
    metricsPort: METRICS_PORT_OPTION,
  },
  examples: ["berth demo", "berth demo --servers 8 --duration 0 --addrs-env", "berth demo --json --duration 3s"],
  async run({ options, io, commandLine }) {
    const { runNodeCommand } = await import("./run-node.ts");
    const spec = `vllm[demo]:d${options.servers}t1`;
    // The demo's own manifest goes when it ends; one the user named stays.
    const manifestPath = options.manifest ?? `${io.env.TMPDIR ?? "/tmp"}/berth-demo-${process.pid}.json`;
    const launch = {
      specText: spec,
      options: { backend: cmdBackend.name, gpusPerNode: options.servers, nodes: 1, nodeRank: 0, host: "127.0.0.1", portPool: options.portPool, seed: 1, visibleDevices: "index" as const },
      origins: { nodeRank: "berth demo", nodes: "berth demo" },
      passthrough: [...selfArgv(), DEMO_SERVER_COMMAND, "--port", "{port}", "--host", "{host}", "--server", "{server}", "--warmup", "600ms"], // the same for 4 servers or 64: the demo's cost must not grow with them
      env: io.env,
      simulate: true,
      holder: { role: "demo", command: commandLine },
      commandName: "berth demo",
    };
    const supervision = { healthPath: "/health,/v1/models", startupTimeoutMs: 30_000, livenessIntervalMs: LIVENESS_DEFAULT_MS, graceMs: 5_000, restart: "no" as const, maxRestarts: 0, manifestPath, durationMs: options.duration === 0 ? undefined : options.duration };
    const intro = `berth demo: ${spec} on ${options.servers} simulated GPUs, built-in HTTP servers; manifest ${manifestPath}`;
    const outro = (status: number) => `berth demo: done (exit ${status})${options.manifest === undefined ? "" : `; the manifest is in ${manifestPath}`}`;
    const ending = await runNodeCommand({ launch, supervision, metricsPort: options.metricsPort }, io, { addrsEnv: options.addrsEnv, json: options.json, intro, outro });
    if (options.manifest === undefined) (await import("node:fs")).rmSync(manifestPath, { force: true });
    return ending;
  },
});
