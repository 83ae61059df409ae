// Nodes of one job on this host: each berth with its own registry (its own simulated GPUs) and its own port
// pool, as separate hosts would have, meeting in a shared rendezvous.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBerth, type RunningBerth } from "./berth-run.ts";
import { freePortWindow } from "./free-ports.ts";

export interface TestNode {
  berth: RunningBerth;
  registry: string;
}

/** One "node" of a 2-node job: its own registry (own simulated GPUs) and pool, the shared rendezvous. */
export function startNode(rendezvous: string, rank: number, spec: string, args: string[], extra: { env?: Record<string, string>; flags?: string[]; job?: string } = {}): TestNode {
  const registry = mkdtempSync(join(tmpdir(), `berth-node${rank}-registry-`));
  const berth = startBerth(
    ["run", spec, "--nodes", "2", "--node-rank", String(rank), "--simulate", "--gpus-per-node", "2", "--port-pool", freePortWindow(120).pool, "--host", "127.0.0.1", "--json", "--grace", "2s",
      "--rendezvous", rendezvous, "--job", extra.job ?? "job-1", ...(extra.flags ?? []), "--", ...args],
    { env: { BERTH_REGISTRY_DIR: registry, ...extra.env } },
  );
  return { berth, registry };
}

