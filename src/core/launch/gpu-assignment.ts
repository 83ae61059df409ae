// Which of this node's GPUs each server is planned on: its node-local indices in the plan, mapped onto the
// node's GPUs. Colocated servers get the same GPUs. Where a planned GPU is taken, the host moves the server
// (host/node/reserve-gpus.ts).
import type { ServerOnNode } from "../plan/servers-on-node.ts";
import type { ServerGpu } from "./launch-types.ts";

export function assignGpus(servers: readonly ServerOnNode[], nodeGpus: readonly ServerGpu[]): ServerGpu[][] {
  return servers.map(({ server }) => server.gpus.map((local) => nodeGpus[local]!));
}
