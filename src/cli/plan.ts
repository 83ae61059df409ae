// `berth plan SPEC`: the whole cluster's layout for a spec; pure, needs no GPU.
import { defineBerthCommand } from "./command.ts";
import { RefusalError, UsageError } from "./errors.ts";
import { integerOption, portRangeOption } from "./option-kinds.ts";
import { printJson } from "./render/json.ts";
import { renderPlanTable } from "./render/plan-table.ts";
import { ENDED } from "../core/exit.ts";
import { gpuInUse } from "../core/gpu/gpu-in-use.ts";
import { MAX_NODES, nodeCountFromEnv } from "../core/launch/node-identity.ts";
import { planCluster } from "../core/plan/plan.ts";
import { planJson } from "../core/plan/plan-json.ts";
import { doesNotFitKind, environmentRefusal, quoted, refusalFromIssues } from "../core/refusal.ts";
import { readSpec } from "../core/spec/index.ts";
import { readHostPortSettings } from "../host/registry/kernel-port-settings.ts";
import { GPU_ENVIRONMENT, NODE_ENVIRONMENT } from "./environment-rows.ts";

export { MAX_NODES } from "../core/launch/node-identity.ts";
export const MAX_GPUS_PER_NODE = 1024;

/** Without --gpus-per-node, plan for this node's visible GPUs, and say which another berth holds. */
async function thisNodesGpus(env: Record<string, string | undefined>): Promise<{ count: number; warnings: string[] }> {
  // Loaded only here: a plan for a named cluster needs neither NVML nor the registry.
  const [{ probeVisibleGpus }, { gpuHolders }] = await Promise.all([import("../host/gpus/visible-gpus.ts"), import("../host/registry/gpu-holders.ts")]);
  const probe = probeVisibleGpus(env);
  const hint = "pass --gpus-per-node (or BERTH_GPUS_PER_NODE) to plan without reading this node";
  if (!probe.ok) throw new RefusalError(probe.refusal.kind === "bad-input" ? probe.refusal : environmentRefusal(`cannot count this node's GPUs: ${probe.refusal.message}; ${hint}`));
  if (probe.visible.gpus.length === 0) throw new RefusalError(environmentRefusal(`this node shows no visible GPUs (${probe.visible.source}); ${hint}`));
  const holders = await gpuHolders(env, probe.visible.gpus.flatMap((gpu) => (gpu.uuid === null ? [] : [gpu.uuid])));
  const warnings = [...probe.visible.warnings];
  probe.visible.gpus.forEach((gpu, local) => {
    const holder = gpu.uuid === null ? undefined : holders.get(gpu.uuid);
    if (holder) warnings.push(`local GPU ${local} (${gpu.uuid}) is held by berth pid ${holder.pid} (${holder.role}) on this node; berth run would move a server planned there to a free GPU`);
    const inUse = gpuInUse(gpu);
    if (inUse) warnings.push(`${inUse.why}; berth run would move a server planned there to a free GPU${inUse.mig ? "" : " (or use it with --allow-busy-gpus)"}`);
  });
  return { count: probe.visible.gpus.length, warnings };
}

export const planCommand = defineBerthCommand({
  positionals: [{ name: "spec", description: "Allocation spec, e.g. 'vllm:d12p1t1+d4p1t1' or 'sglang[rollout]:d2+fsdp[actor]:d4'", required: true }],
  acceptsPassthrough: false,
  options: {
    nodes: integerOption({ description: "Number of nodes in the job", min: 1, max: MAX_NODES, env: "BERTH_NNODES", defaultHint: "SLURM_NNODES, NNODES or LWS_GROUP_SIZE, else 1" }),
    gpusPerNode: integerOption({ description: "GPUs on each node", min: 1, max: MAX_GPUS_PER_NODE, valueHint: "G", defaultHint: "this node's visible GPU count, read from NVML" }),
    nodeRank: integerOption({ description: "Show only this node's share", min: 0, max: MAX_NODES - 1, valueHint: "R" }),
    portPool: portRangeOption({
      description: "Ports to cut into server blocks",
      min: 1024,
      max: 65535,
      defaultHint: "10000 to one below ip_local_port_range's low end, less ip_local_reserved_ports",
    }),
  },
  examples: [
    "berth plan vllm:d12p1t1+d4p1t1 --nodes 2 --gpus-per-node 8",
    "berth plan 'sglang[rollout]:d2t4+fsdp[actor]:d8' --nodes 2 --gpus-per-node 8",
    "berth plan sglang:d1t16 --nodes 2 --gpus-per-node 8 --json",
  ],
  environment: [...NODE_ENVIRONMENT, ...GPU_ENVIRONMENT],
  async run({ options, positionals, io }) {
    const specText = positionals.spec!;
    // Under srun, plan the job as it runs: its node count comes from the scheduler like berth run's does.
    const fromEnv = nodeCountFromEnv(io.env);
    if (!fromEnv.ok) throw new UsageError(fromEnv.message);
    const nodes = options.nodes ?? fromEnv.count ?? 1;
    const spec = readSpec(specText);
    if (!spec.ok) throw new RefusalError(refusalFromIssues(`bad spec ${quoted(specText)}: `, spec.issues));
    const probed = options.gpusPerNode === undefined ? await thisNodesGpus(io.env) : undefined;
    const gpusPerNode = options.gpusPerNode ?? probed!.count;
    if (options.nodeRank !== undefined && options.nodeRank >= nodes) {
      throw new UsageError(`bad value ${options.nodeRank} for --node-rank; expected a whole number from 0 to ${nodes - 1} (--nodes is ${nodes})`);
    }
    const host = readHostPortSettings();
    const planned = planCluster(spec.value, {
      nodes,
      gpusPerNode,
      portPool: options.portPool ?? host.defaultPool,
      reservedPorts: host.reservedPorts,
      ephemeralLow: host.ephemeralLow,
    });
    if (!planned.ok) {
      const refusal = refusalFromIssues(`${quoted(specText)} does not fit ${nodes} node(s) × ${gpusPerNode} GPUs: `, planned.issues);
      throw new RefusalError({ ...refusal, kind: doesNotFitKind(planned.issues, { gpusFromHost: probed !== undefined, poolFromHost: options.portPool === undefined }) });
    }
    const warnings = [...spec.warnings, ...(probed?.warnings ?? []), ...planned.warnings];
    if (options.json) {
      printJson(io, planJson(planned.value, { nodeRank: options.nodeRank, warnings }));
    } else {
      for (const warning of warnings) io.stderr(`berth: warning: ${warning}\n`);
      io.stdout(renderPlanTable(planned.value, options.nodeRank));
    }
    return ENDED.ok;
  },
});
