// The manifest's shape. Field names are a contract with users' scripts: add, never rename. `berth status`
// reads the same document from the registry, so a running supervisor and a stale file can be told apart
// (supervisor.pid and heartbeatAt, rewritten every HEARTBEAT_MS while berth runs).
import type { PlannedServer, PortBlock, ServerPlacement } from "../types.ts";
import type { LaunchRole, ServerGpu } from "./launch-types.ts";
import type { ServerObservations } from "../observe/server-observations.ts";
import { SCHEMA_VERSION } from "../schema-version.ts";

/** unhealthy: it was healthy, then failed its liveness checks; it is stopped, then restarted or failed. */
export type ServerState = "starting" | "healthy" | "unhealthy" | "restarting" | "failed" | "stopped";

/** How often a running supervisor rewrites its manifest: one older than 3 of these is stale. */
export const MANIFEST_HEARTBEAT_MS = 5_000;

export interface ManifestServerInput extends ServerObservations {
  server: PlannedServer;
  backend: string;
  placement: ServerPlacement;
  role: LaunchRole;
  gpus: readonly ServerGpu[];
  host: string;
  url: string;
  /** The engine's own Prometheus endpoint, where it serves one. */
  metricsUrl: string | null;
  pid: number | null;
  state: ServerState;
  restarts: number;
  exitCode: number | null;
}

/** Who writes the manifest: the supervising berth, so a reader can check it still runs. */
export interface ManifestSupervisor {
  pid: number;
  startedAt: string;
  /** Where berth serves its own /metrics (--metrics-port), if it does. */
  metricsUrl: string | null;
}

/** Every port the engine really opens from berth's block: the named ones, and the range it picks from itself. */
function manifestPorts(ports: PortBlock) {
  return { http: ports.http, dist: ports.dist, first: ports.first, last: ports.last, ...ports.named, internal: ports.internal };
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function manifestServer(entry: ManifestServerInput) {
  return {
    index: entry.server.index,
    localIndex: entry.placement.localIndex,
    node: entry.placement.node,
    backend: entry.backend,
    name: entry.server.name ?? null,
    gpus: entry.gpus.map((gpu) => ({ index: gpu.index, uuid: gpu.uuid })),
    host: entry.host,
    role: entry.role.role,
    /** A member's leader (host:port); it serves no HTTP itself and is healthy when its leader is. */
    leader: entry.role.leader ?? null,
    ports: manifestPorts(entry.placement.ports),
    url: entry.url,
    metricsUrl: entry.metricsUrl,
    pid: entry.pid,
    pgid: entry.pid, // each server leads its own session and process group
    state: entry.state,
    since: iso(entry.since),
    restarts: entry.restarts,
    /** How its current process ended (null while it runs). */
    exitCode: entry.exitCode,
    /** How its previous process ended, kept across a restart: the crash the restart came after. */
    lastExit: entry.lastExit ? { code: entry.lastExit.code, signal: entry.lastExit.signal, at: iso(entry.lastExit.at) } : null,
    health: entry.health ? { ok: entry.health.ok, status: entry.health.status ?? null, latencyMs: Math.round(entry.health.latencyMs * 10) / 10, error: entry.health.error ?? null, at: iso(entry.health.at) } : null,
    healthyAfterMs: entry.healthyAfterMs,
  };
}

export type ManifestServer = ReturnType<typeof manifestServer>;

export function manifestJson(node: number, host: string, servers: readonly ManifestServerInput[], supervisor?: ManifestSupervisor) {
  const now = new Date().toISOString();
  return {
    schemaVersion: SCHEMA_VERSION,
    node,
    host,
    updatedAt: now,
    ...(supervisor ? { supervisor, heartbeatAt: now, heartbeatEveryMs: MANIFEST_HEARTBEAT_MS } : {}),
    servers: servers.map(manifestServer),
  };
}

export type Manifest = ReturnType<typeof manifestJson>;
