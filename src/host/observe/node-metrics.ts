// What /metrics shows of this node, read from the supervised servers at scrape time.
import type { NodeMetrics } from "../../core/observe/prometheus-text.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";

export function nodeMetrics(node: number, job: string, servers: readonly SupervisedServer[]): NodeMetrics {
  return {
    node,
    job,
    reservedPorts: servers.reduce((sum, entry) => sum + entry.reservation.ports.length, 0),
    reservedGpus: servers.reduce((sum, entry) => sum + entry.reservation.gpus.length, 0),
    servers: servers.map((entry) => ({
      index: entry.server.index,
      node: entry.placement.node,
      component: entry.server.name ?? entry.server.backend,
      state: entry.state,
      restarts: entry.restarts,
      lastExit: entry.lastExit,
      healthyAfterMs: entry.healthyAfterMs,
      latencies: entry.latencies,
    })),
  };
}
