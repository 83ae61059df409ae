// --metrics-port: berth's own Prometheus endpoint, served by the supervising berth for as long as it runs.
// Bound before any server starts, so a port that cannot be had is a refusal naming who has it, not a run
// without the metrics it was asked for. Each scrape renders what the supervisor has seen at that moment.
import { environmentRefusal, refused, succeeded, type Outcome } from "../../core/refusal.ts";
import { metricsText, type NodeMetrics } from "../../core/observe/prometheus-text.ts";
import { hostForUrl } from "../../core/launch/url-host.ts";
import { listenerOf } from "../net/port-owner.ts";

export interface MetricsEndpoint {
  url: string;
  stop(): void;
}

const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function serveMetrics(port: number, bindHost: string, advertiseHost: string, origin: string, metrics: () => NodeMetrics): Outcome<MetricsEndpoint> {
  try {
    const server = Bun.serve({
      hostname: bindHost,
      port,
      reusePort: false,
      fetch(request) {
        const path = new URL(request.url).pathname;
        if (path !== "/metrics") return new Response("berth serves /metrics only\n", { status: 404 });
        if (request.method !== "GET" && request.method !== "HEAD") return new Response("GET /metrics\n", { status: 405 });
        return new Response(metricsText(metrics()), { headers: { "content-type": CONTENT_TYPE } });
      },
    });
    return succeeded({ url: `http://${hostForUrl(advertiseHost)}:${server.port}/metrics`, stop: () => void server.stop(true) });
  } catch (error) {
    const who = listenerOf(port);
    const why = (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    return refused(environmentRefusal(`cannot serve metrics on ${bindHost}:${port} (${origin}): ${why}${who ? `; ${who} listens there` : ""}`));
  }
}
