// Where an engine serves its own Prometheus metrics (its backend module says); a member (no HTTP), nowhere.
import { backendNamed } from "./backends/index.ts";

export function engineMetricsUrl(backend: string, url: string, argv: readonly string[]): string | null {
  return url === "" ? null : backendNamed(backend).metricsUrl(url, argv);
}
