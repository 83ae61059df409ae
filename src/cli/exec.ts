// `berth exec SPEC -- ARGS`: one server slot per container. berth reserves the slot's GPUs and ports, sets
// its environment and becomes the engine through execve: same pid, and the inherited locks make the
// reservation live exactly as long as the server.
import { defineBerthCommand } from "./command.ts";
import { BerthError, orRefuse, UsageError } from "./errors.ts";
import { integerOption } from "./option-kinds.ts";
import { printEvent } from "./render/json.ts";
import { LAUNCH_OPTIONS } from "./run-options.ts";
import { GPU_ENVIRONMENT, NODE_ENVIRONMENT } from "./environment-rows.ts";

export const execCommand = defineBerthCommand({
  positionals: [{ name: "spec", description: "Allocation spec, e.g. 'vllm:d8t1'", required: true }],
  acceptsPassthrough: true,
  options: {
    ...LAUNCH_OPTIONS,
    // Not BERTH_SERVER: that is the global index berth exports to every server.
    server: integerOption({ description: "Node-local server slot", min: 0, max: 4095, valueHint: "I", defaultHint: "LOCAL_RANK, else SLURM_LOCALID", env: "BERTH_SERVER_SLOT" }),
  },
  examples: [
    "LOCAL_RANK=0 berth exec vllm:d8t1 -- --model Qwen/Qwen3-8B",
    "berth exec sglang:d4t2 --server 3 -- --model-path Qwen/Qwen3-8B",
  ],
  environment: [
    { term: "LOCAL_RANK", text: "The server slot when --server is not given (torchrun, Kubernetes); else SLURM_LOCALID" },
    ...NODE_ENVIRONMENT,
    ...GPU_ENVIRONMENT,
  ],
  async run({ options, origins, positionals, passthrough, io, commandLine, config }) {
    const { serverSlot } = await import("../core/launch/node-identity.ts");
    const slot = serverSlot(options.server, io.env);
    if (!slot.ok) throw new UsageError(slot.message);
    const { prepareNode } = await import("../host/node/prepare-node.ts");
    const { checkLaunchRequest } = await import("../core/node/launch-request.ts");
    const { handOverToExec } = await import("../host/registry/reservations.ts");
    const { execCommand: execProgram } = await import("../host/process/exec.ts");
    const node = orRefuse(
      await prepareNode(checkLaunchRequest({
        specText: positionals.spec!,
        options,
        origins,
        passthrough,
        env: io.env,
        onlySlot: slot.slot,
        holder: { role: `exec ${positionals.spec} slot ${slot.slot}`, command: commandLine },
        commandName: "berth exec",
        componentsConfig: config?.values.components === undefined ? undefined : { table: config.values.components, path: config.path },
      })),
    );
    const [server] = node.servers;
    if (!server) throw new UsageError(`node ${node.identity.rank} has no server slot ${slot.slot}`);
    for (const warning of node.warnings) io.stderr(`berth: warning: ${warning}\n`);
    if (options.json) {
      printEvent(io, "exec", { server: server.server.index, localIndex: server.placement.localIndex, node: node.identity.rank, source: slot.source, argv: server.launch.argv, url: server.launch.url, gpus: server.gpus, ports: server.placement.ports });
    } else {
      io.stderr(`berth: slot ${slot.slot} (${slot.source}) → server ${server.server.index} on GPUs ${server.launch.env.CUDA_VISIBLE_DEVICES}, ports ${server.placement.ports.first}-${server.placement.ports.last}: ${server.launch.argv.join(" ")}\n`);
    }
    handOverToExec(server.reservation);
    const failure = execProgram(server.launch.argv, server.launch.env);
    throw new BerthError(failure.ending, failure.message);
  },
});
