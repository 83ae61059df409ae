// berth's own metrics in the Prometheus text exposition format (version 0.0.4), from what the supervisor has
// seen: per server whether it is up, its state, restarts (a counter), how its last process ended, its health
// checks' latency (a histogram) and how long it took to become healthy; per node what it holds. Labels:
// server, node, component, job. Pure: the host serves what this returns.
import { cumulativeCounts, type Histogram } from "./histogram.ts";
import type { LastExit } from "./server-observations.ts";

export const SERVER_STATES = ["starting", "healthy", "unhealthy", "restarting", "failed", "stopped"] as const;

export interface ServerMetrics {
  index: number;
  node: number;
  /** The spec component's name, else its engine ("rollout", "vllm"). */
  component: string;
  state: string;
  restarts: number;
  lastExit: LastExit | null;
  healthyAfterMs: number | null;
  latencies: Histogram;
}

export interface NodeMetrics {
  node: number;
  job: string;
  reservedPorts: number;
  reservedGpus: number;
  servers: readonly ServerMetrics[];
}

/** A label value as the format wants it: backslash, double quote and newline escaped. */
export function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** `name="value",…` without braces: a server's labels are made once a scrape, and each sample adds its own. */
function labelList(pairs: Record<string, string | number>): string {
  let text = "";
  for (const name in pairs) text += `${text ? "," : ""}${name}="${escapeLabel(String(pairs[name]))}"`;
  return text;
}

/** "1.5e-3" and friends are fine for Prometheus; integers stay integers. */
function number(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, "");
}

function family(name: string, type: string, help: string, samples: string[]): string {
  return samples.length === 0 ? "" : `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.join("\n")}\n`;
}

function exitCode(exit: LastExit): number {
  if (exit.code !== null) return exit.code;
  const signals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };
  return 128 + (signals[exit.signal ?? ""] ?? 0);
}

function histogramSamples(name: string, base: string, histogram: Histogram): string[] {
  const cumulative = cumulativeCounts(histogram);
  return [
    ...histogram.buckets.map((bound, position) => `${name}_bucket{${base},le="${number(bound)}"} ${cumulative[position]}`),
    `${name}_bucket{${base},le="+Inf"} ${histogram.count}`,
    `${name}_sum{${base}} ${number(histogram.sum)}`,
    `${name}_count{${base}} ${histogram.count}`,
  ];
}

export function metricsText(node: NodeMetrics): string {
  const servers = node.servers.map((server) => ({ server, base: labelList({ server: server.index, node: server.node, component: server.component, job: node.job }) }));
  const nodeLabels = `{${labelList({ node: node.node, job: node.job })}}`;
  const each = (name: string, value: (server: ServerMetrics) => number | undefined) =>
    servers.flatMap(({ server, base }) => {
      const sample = value(server);
      return sample === undefined ? [] : [`${name}{${base}} ${number(sample)}`];
    });
  return [
    family("berth_server_up", "gauge", "1 while the server is healthy, else 0.", each("berth_server_up", (server) => (server.state === "healthy" ? 1 : 0))),
    family("berth_server_state", "gauge", "The server's state: 1 for the state it is in, 0 for the others.", servers.flatMap(({ server, base }) => SERVER_STATES.map((state) => `berth_server_state{${base},state="${state}"} ${server.state === state ? 1 : 0}`))),
    family("berth_server_restarts_total", "counter", "How many times berth has restarted the server.", each("berth_server_restarts_total", (server) => server.restarts)),
    family("berth_server_last_exit_code", "gauge", "How the server's last process ended: its exit code, or 128+N for signal N.", each("berth_server_last_exit_code", (server) => (server.lastExit ? exitCode(server.lastExit) : undefined))),
    family("berth_server_health_check_seconds", "histogram", "Latency of berth's health checks of the server.", servers.flatMap(({ server, base }) => histogramSamples("berth_server_health_check_seconds", base, server.latencies))),
    family("berth_server_time_to_healthy_seconds", "gauge", "From the start of the server's current process to its first healthy answer.", each("berth_server_time_to_healthy_seconds", (server) => (server.healthyAfterMs === null ? undefined : server.healthyAfterMs / 1000))),
    family("berth_node_reserved_ports", "gauge", "Ports this berth holds on the node.", [`berth_node_reserved_ports${nodeLabels} ${node.reservedPorts}`]),
    family("berth_node_reserved_gpus", "gauge", "GPUs this berth holds on the node.", [`berth_node_reserved_gpus${nodeLabels} ${node.reservedGpus}`]),
  ].join("");
}
