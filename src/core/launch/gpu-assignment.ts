// Which of this node's GPUs each server uses, and which it must lock: colocated servers share GPUs, and
// each GPU is locked once, by the first server that uses it.
import type { ServerOnNode } from "../plan/servers-on-node.ts";
import type { ServerGpu } from "./launch-types.ts";

export interface GpuAssignment {
  /** The server's GPUs, in its node-local order. */
  gpus: ServerGpu[];
  /** The ones no earlier server on this node locked already. */
  toLock: ServerGpu[];
}

export function assignGpus(servers: readonly ServerOnNode[], nodeGpus: readonly ServerGpu[]): GpuAssignment[] {
  const locked = new Set<string>();
  return servers.map(({ server }) => {
    const gpus = server.gpus.map((local) => nodeGpus[local]!);
    const toLock = gpus.filter((gpu) => !locked.has(gpu.uuid));
    toLock.forEach((gpu) => locked.add(gpu.uuid));
    return { gpus, toLock };
  });
}
