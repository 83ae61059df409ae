// `--health-path` as data: "none" turns gating off; otherwise the comma-separated paths, polled in turn.

export function parseHealthPaths(text: string): string[] {
  if (text.trim() === "none") return [];
  return text.split(",").map((path) => path.trim()).filter(Boolean);
}
