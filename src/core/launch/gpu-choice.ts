// GPUs chosen like ports: a server whose planned GPUs are held by another launch, busy (another program
// computes on them) or in MIG mode takes the lowest free GPUs of the node instead, its tensor-parallel group
// kept on one NUMA node when it can. Pure: the host says which GPUs are unusable and why, and tries again
// when a lock finds a GPU taken meanwhile.

export interface GpuCandidate {
  /** NVML index on this node. */
  index: number;
  uuid: string;
  /** The GPU's NUMA node, where the host knows it. */
  numa: number | null;
  /** Why no server may have it (held by another launch, busy, MIG), or undefined when it is free. */
  unusable?: string;
}

export interface GpuMove {
  from: GpuCandidate;
  to: GpuCandidate;
}

export type GpuChoice = { ok: true; gpus: GpuCandidate[]; moves: GpuMove[] } | { ok: false; message: string };

function numaOf(gpus: readonly GpuCandidate[]): number | null | undefined {
  const nodes = new Set(gpus.map((gpu) => gpu.numa));
  return nodes.size === 1 ? [...nodes][0] : undefined;
}

/** The lowest free GPUs, those on `numa` first when it is known. */
function lowestFree(free: readonly GpuCandidate[], count: number, numa: number | null | undefined): GpuCandidate[] | undefined {
  const ordered = [...free].sort((a, b) => Number(numa !== undefined && b.numa === numa) - Number(numa !== undefined && a.numa === numa) || a.index - b.index);
  return ordered.length >= count ? ordered.slice(0, count) : undefined;
}

/** The whole group moved onto one NUMA node that has enough free GPUs, the lowest such node first. */
function wholeGroupOnOneNode(planned: readonly GpuCandidate[], free: readonly GpuCandidate[]): GpuCandidate[] | undefined {
  const nodes = [...new Set(free.map((gpu) => gpu.numa).filter((numa): numa is number => numa !== null))].sort((a, b) => a - b);
  for (const numa of nodes) {
    const there = free.filter((gpu) => gpu.numa === numa).sort((a, b) => a.index - b.index);
    if (there.length >= planned.length) return there.slice(0, planned.length);
  }
  return undefined;
}

function describeUnusable(candidates: readonly GpuCandidate[]): string {
  return candidates.filter((gpu) => gpu.unusable !== undefined).map((gpu) => `GPU ${gpu.index} ${gpu.unusable}`).join("; ");
}

/**
 * A server's GPUs: its planned ones where usable, the lowest usable others in place of the rest (on the NUMA
 * node of those it keeps, else the whole group on one NUMA node, else wherever they are). `taken`: the UUIDs
 * this launch's other servers have or will have, which are never anyone's replacement.
 */
export function chooseServerGpus(server: number, planned: readonly GpuCandidate[], candidates: readonly GpuCandidate[], taken: ReadonlySet<string>): GpuChoice {
  const keep = planned.filter((gpu) => gpu.unusable === undefined);
  if (keep.length === planned.length) return { ok: true, gpus: [...planned], moves: [] };
  const mine = new Set(planned.map((gpu) => gpu.uuid));
  const free = candidates.filter((gpu) => gpu.unusable === undefined && !taken.has(gpu.uuid) && !mine.has(gpu.uuid));
  const missing = planned.length - keep.length;
  const keptNuma = keep.length > 0 ? numaOf(keep) : undefined;
  const sameNode = keptNuma !== undefined && keptNuma !== null ? lowestFree(free.filter((gpu) => gpu.numa === keptNuma), missing, keptNuma) : undefined;
  const whole = sameNode ? undefined : wholeGroupOnOneNode(planned, [...free, ...keep]);
  if (whole) return { ok: true, gpus: whole, moves: movesBetween(planned, whole) };
  const replacements = sameNode ?? lowestFree(free, missing, keptNuma);
  if (!replacements) {
    const usable = candidates.filter((gpu) => gpu.unusable === undefined).length;
    return { ok: false, message: `server ${server} needs ${planned.length} GPU(s), but only ${free.length + keep.length} of this node's ${candidates.length} GPUs are free for it (${usable} usable, the rest of them this launch's other servers'): ${describeUnusable(candidates)}` };
  }
  const gpus = [...planned];
  let next = 0;
  planned.forEach((gpu, position) => {
    if (gpu.unusable !== undefined) gpus[position] = replacements[next++]!;
  });
  return { ok: true, gpus, moves: movesBetween(planned, gpus) };
}

function movesBetween(planned: readonly GpuCandidate[], chosen: readonly GpuCandidate[]): GpuMove[] {
  return planned.flatMap((from, position) => (chosen[position]!.uuid === from.uuid ? [] : [{ from, to: chosen[position]! }]));
}

/** "server 0 uses GPU 1 instead of GPU 0, held by pid 4242 (…)": one line per GPU that moved. */
export function describeGpuMoves(server: number, moves: readonly GpuMove[]): string[] {
  return moves.map(({ from, to }) => `server ${server} uses GPU ${to.index} instead of GPU ${from.index}${from.unusable ? `, ${from.unusable}` : " (its group moved to one NUMA node)"}`);
}
