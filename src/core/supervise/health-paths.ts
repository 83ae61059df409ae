// `--health-path` as data: "none" turns gating off; otherwise the comma-separated paths, polled in turn.
// Each must be a path (start with "/"): a URL or a bare word would be glued onto http://host:port as is.

export function parseHealthPaths(text: string): { ok: true; paths: string[] } | { ok: false; message: string } {
  if (text.trim() === "none") return { ok: true, paths: [] };
  const paths = text.split(",").map((path) => path.trim()).filter(Boolean);
  const bad = paths.find((path) => !path.startsWith("/") || /\s/.test(path));
  if (bad !== undefined) return { ok: false, message: `bad health path ${JSON.stringify(bad)}; expected paths that start with "/" (e.g. /health,/v1/models), or none` };
  if (paths.length === 0) return { ok: false, message: `no health path in ${JSON.stringify(text)}; expected paths that start with "/", or none` };
  return { ok: true, paths };
}
