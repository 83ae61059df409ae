// Every health answer a server gives is remembered: the last one for `status` and the manifest, its latency
// in the server's histogram for /metrics.
import { healthCheckOf } from "../../core/observe/server-observations.ts";
import type { HealthAnswer } from "../net/health.ts";
import type { SupervisedServer } from "./supervised-server.ts";

export function recordHealthAnswer(entry: SupervisedServer, answer: HealthAnswer): void {
  entry.health = healthCheckOf(answer.at, answer.latencyMs, answer.failure, answer.status);
  entry.latencies.observe(answer.latencyMs / 1000);
}
