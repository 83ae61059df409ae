// The planner: (spec, cluster) → the whole cluster's layout, or the issues that say what would fit.
import type { Spec } from "../spec/ast.ts";
import { fail, ok, type Issue, type Result } from "../result.ts";
import type { Cluster, Plan, PlannedServer } from "../types.ts";
import { layoutGpus } from "./gpu-layout.ts";
import { portBlocksForNodes } from "./port-blocks.ts";

function clusterIssues(cluster: Cluster): Issue[] {
  const issues: Issue[] = [];
  if (!Number.isInteger(cluster.nodes) || cluster.nodes < 1) issues.push({ code: "plan.nodes", message: `nodes must be a whole number ≥ 1, got ${cluster.nodes}` });
  if (!Number.isInteger(cluster.gpusPerNode) || cluster.gpusPerNode < 1) {
    issues.push({ code: "plan.gpus-per-node", message: `GPUs per node must be a whole number ≥ 1, got ${cluster.gpusPerNode}` });
  }
  const { first, last } = cluster.portPool;
  if (!(first >= 1 && last <= 65535 && first <= last)) issues.push({ code: "plan.port-pool", message: `the port pool ${first}-${last} must lie within 1-65535, low end first` });
  return issues;
}

function unusedGpus(cluster: Cluster, gpusUsed: number): Plan["unusedGpus"] {
  const unused: Plan["unusedGpus"] = [];
  for (let node = 0; node < cluster.nodes; node++) {
    const gpus: number[] = [];
    for (let local = 0; local < cluster.gpusPerNode; local++) if (node * cluster.gpusPerNode + local >= gpusUsed) gpus.push(local);
    if (gpus.length > 0) unused.push({ node, gpus });
  }
  return unused;
}

/**
 * `vllm:d4|sglang:d4` puts two inference servers on every GPU of the group: each engine takes its own share of
 * the memory, and by default each takes most of it. Allowed (it is how some RL setups share GPUs), but said.
 */
function colocatedInference(spec: Spec): string[] {
  return spec.groups.flatMap((group) => {
    const inference = group.members.filter((member) => member.kind === "inference");
    if (inference.length < 2) return [];
    const names = inference.map((member) => member.name ?? member.backend).join(" and ");
    return [`${names} share every GPU of their group (joined by |): each engine takes its own share of GPU memory, so set each one's (vLLM --gpu-memory-utilization, SGLang --mem-fraction-static) so that together they fit`];
  });
}

export function planCluster(spec: Spec, cluster: Cluster): Result<Plan> {
  const shapeIssues = clusterIssues(cluster);
  if (shapeIssues.length > 0) return fail(...shapeIssues);

  const { layout, issues } = layoutGpus(spec, cluster.nodes, cluster.gpusPerNode);
  const tooMany = issues.find((issue) => issue.code === "plan.too-many-gpus");
  if (tooMany) return fail(tooMany); // Straddling on nodes that do not exist would only distract.
  if (issues.length > 0) return fail(...issues);

  const blocks = portBlocksForNodes(layout.servers, cluster.portPool, cluster.reservedPorts);
  if (blocks.issues.length > 0) return fail(...blocks.issues);

  const servers: PlannedServer[] = layout.servers.map((slot) => {
    const placements = blocks.placements[slot.index] ?? [];
    const leader = placements[0]!;
    const server: PlannedServer = {
      index: slot.index,
      backend: slot.component.backend,
      name: slot.component.name,
      replica: slot.replica,
      node: leader.node,
      localIndex: leader.localIndex,
      gpus: slot.localGpus,
      globalGpus: slot.globalGpus,
      tp: slot.component.tp,
      pp: slot.component.pp,
      ports: leader.ports,
      placements,
    };
    if (slot.nodes.length > 1) server.nodes = slot.nodes;
    return server;
  });

  const warnings: string[] = colocatedInference(spec);
  if (cluster.portPool.last >= cluster.ephemeralLow) {
    warnings.push(
      `the port pool ${cluster.portPool.first}-${cluster.portPool.last} reaches the kernel's ephemeral range (from ${cluster.ephemeralLow}); outgoing connections may take those ports`,
    );
  }
  return ok(
    {
      spec: spec.text,
      nodes: cluster.nodes,
      gpusPerNode: cluster.gpusPerNode,
      portPool: cluster.portPool,
      servers,
      training: layout.training,
      unusedGpus: unusedGpus(cluster, layout.gpusUsed),
    },
    warnings,
  );
}
