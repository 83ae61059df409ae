// Spec × cluster shape → which global GPUs each server and trainer gets. Inference groups go first, as in AReaL.
import type { ColocationGroup, InferenceComponent, Spec } from "../spec/ast.ts";
import { describeComponent, gpuCount } from "../spec/gpu-count.ts";
import type { Issue } from "../result.ts";
import type { PlannedTraining } from "../types.ts";

export interface ServerSlot {
  index: number;
  component: InferenceComponent;
  replica: number;
  /** Nodes the server spans, leader first. */
  nodes: number[];
  localGpus: number[];
  globalGpus: number[];
}

export interface GpuLayout {
  servers: ServerSlot[];
  training: PlannedTraining[];
  gpusUsed: number;
}

function range(first: number, count: number): number[] {
  const numbers: number[] = [];
  for (let offset = 0; offset < count; offset++) numbers.push(first + offset);
  return numbers;
}

function hasInference(group: ColocationGroup): boolean {
  return group.members.some((member) => member.kind === "inference");
}

function straddleIssue(slot: { component: InferenceComponent; replica: number; start: number; size: number }, gpusPerNode: number): Issue {
  const { component, replica, start, size } = slot;
  const label = `${describeComponent(component)} server ${replica} (${size} GPU${size === 1 ? "" : "s"})`;
  const firstNode = Math.floor(start / gpusPerNode);
  const lastNode = Math.floor((start + size - 1) / gpusPerNode);
  const where = `global GPUs ${start}-${start + size - 1}, nodes ${firstNode}-${lastNode}`;
  let advice: string;
  if (size % gpusPerNode === 0) {
    advice = `a multi-node server must start on a node boundary; put ${describeComponent(component)} first or make the components before it fill whole nodes`;
  } else if (size > gpusPerNode) {
    advice = `a server larger than one node (${gpusPerNode} GPUs) must use a whole multiple of it (t*p = ${gpusPerNode}, ${gpusPerNode * 2}, …) or at most ${gpusPerNode}`;
  } else {
    advice = `servers must not straddle nodes; with ${gpusPerNode} GPUs per node, use t*p dividing ${gpusPerNode} and put larger servers first`;
  }
  return { code: "plan.straddle", message: `${label} would straddle nodes (${where}): ${advice}` };
}

/** Appends one slot per replica to `slots` (appended in place: a spread of hundreds of slots is slow cold). */
function placeServers(component: InferenceComponent, firstGpu: number, gpusPerNode: number, slots: ServerSlot[], issues: Issue[]): void {
  const size = component.tp * component.pp;
  const firstIndex = slots.length;
  for (let replica = 0; replica < component.dp; replica++) {
    const start = firstGpu + replica * size;
    const node = Math.floor(start / gpusPerNode);
    const offset = start % gpusPerNode;
    if (offset + size <= gpusPerNode) {
      // One-GPU servers are the common case at scale (d512t1); literals skip two calls each in cold code.
      const localGpus = size === 1 ? [offset] : range(offset, size);
      const globalGpus = size === 1 ? [start] : range(start, size);
      slots.push({ index: firstIndex + replica, component, replica, nodes: [node], localGpus, globalGpus });
    } else if (offset === 0 && size % gpusPerNode === 0) {
      const nodes = range(node, size / gpusPerNode);
      slots.push({ index: firstIndex + replica, component, replica, nodes, localGpus: range(0, gpusPerNode), globalGpus: range(start, size) });
    } else {
      issues.push(straddleIssue({ component, replica, start, size }, gpusPerNode));
      return; // One message per component is enough; the rest would repeat it.
    }
  }
}

/** Splits a trainer's global GPU range into one entry per node it touches. */
function trainingByNode(member: PlannedTraining["backend"], name: string | undefined, firstGpu: number, size: number, gpusPerNode: number): PlannedTraining[] {
  const entries: PlannedTraining[] = [];
  for (let gpu = firstGpu; gpu < firstGpu + size; ) {
    const node = Math.floor(gpu / gpusPerNode);
    const nodeEnd = Math.min((node + 1) * gpusPerNode, firstGpu + size);
    const globalGpus = range(gpu, nodeEnd - gpu);
    entries.push({ name, backend: member, node, gpus: globalGpus.map((g) => g % gpusPerNode), globalGpus });
    gpu = nodeEnd;
  }
  return entries;
}

function layoutOnly(spec: Spec, gpusPerNode: number): { layout: GpuLayout; issues: Issue[] } {
  const issues: Issue[] = [];
  const ordered = [...spec.groups.filter(hasInference), ...spec.groups.filter((group) => !hasInference(group))];
  const layout: GpuLayout = { servers: [], training: [], gpusUsed: 0 };
  for (const group of ordered) {
    const firstGpu = layout.gpusUsed;
    const size = gpuCount(group.members[0]!);
    layout.gpusUsed += size;
    for (const member of group.members) {
      if (member.kind === "inference") {
        placeServers(member, firstGpu, gpusPerNode, layout.servers, issues);
      } else if (member.kind !== "eval") {
        layout.training.push(...trainingByNode(member.backend, member.name, firstGpu, size, gpusPerNode));
      }
    }
  }
  return { layout, issues };
}

/** The smallest GPUs per node from `from` up on which the spec lays out without a straddle; undefined past `upTo`. */
function gpusPerNodeThatFits(spec: Spec, nodes: number, from: number, upTo: number): number | undefined {
  for (let gpus = from; gpus <= upTo; gpus++) {
    const { layout, issues } = layoutOnly(spec, gpus);
    if (issues.length === 0 && layout.gpusUsed <= nodes * gpus) return gpus;
  }
  return undefined;
}

/** Advice that works when followed: more nodes only where the layout on this many GPUs per node has no straddle. */
function tooManyGpus(spec: Spec, layout: GpuLayout, straddles: boolean, nodes: number, gpusPerNode: number): Issue {
  const nodesNeeded = Math.ceil(layout.gpusUsed / gpusPerNode);
  const wider = gpusPerNodeThatFits(spec, nodes, Math.ceil(layout.gpusUsed / nodes), layout.gpusUsed);
  const options = [straddles ? undefined : `--nodes ${nodesNeeded}`, wider === undefined ? undefined : `--gpus-per-node ${wider}`].filter(Boolean);
  const advice = options.length > 0 ? `; use ${options.join(", or ")}` : "";
  const why = straddles ? ` (more nodes of ${gpusPerNode} GPUs would not help: a server would straddle two of them)` : "";
  return { code: "plan.too-many-gpus", message: `the spec needs ${layout.gpusUsed} GPUs but the cluster has ${nodes * gpusPerNode} (${nodes} node${nodes === 1 ? "" : "s"} × ${gpusPerNode})${why}${advice}` };
}

export function layoutGpus(spec: Spec, nodes: number, gpusPerNode: number): { layout: GpuLayout; issues: Issue[] } {
  const { layout, issues } = layoutOnly(spec, gpusPerNode);
  if (layout.gpusUsed > nodes * gpusPerNode) issues.unshift(tooManyGpus(spec, layout, issues.some((issue) => issue.code === "plan.straddle"), nodes, gpusPerNode));
  return { layout, issues };
}
