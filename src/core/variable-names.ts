// BERTH_* variables that are nearly, but not, a berth variable (BERTH_NODES for BERTH_NNODES): berth reads
// only its exact names, so a slip would be ignored without a word. Only near misses are named: other BERTH_*
// variables may be the user's own, or what berth exports to a server (a nested berth sees those).

/** Levenshtein distance, capped: past `cap` the exact figure does not matter. */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** "BERTH_NODES is not a berth variable; did you mean BERTH_NNODES?" for each near miss in `env`. */
export function nearMissVariables(env: Record<string, string | undefined>, read: ReadonlySet<string>, exported: ReadonlySet<string>): string[] {
  const said: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith("BERTH_") || read.has(name) || exported.has(name)) continue;
    const closest = [...read].map((candidate) => ({ candidate, apart: distance(name, candidate, 2) })).sort((a, b) => a.apart - b.apart)[0];
    if (closest && closest.apart <= 2) said.push(`${name} is not a berth variable and is ignored; did you mean ${closest.candidate}?`);
  }
  return said;
}
