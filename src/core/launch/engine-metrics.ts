// Where an engine serves its own Prometheus metrics: vLLM always at /metrics on its HTTP port; SGLang there
// too, but only with --enable-metrics; a command berth knows nothing of, and a member (no HTTP), nowhere.
export function engineMetricsUrl(backend: string, url: string, argv: readonly string[]): string | null {
  if (url === "") return null;
  if (backend === "vllm") return `${url}/metrics`;
  if (backend === "sglang" && argv.includes("--enable-metrics")) return `${url}/metrics`;
  return null;
}
