// The manifest's shape. Field names are a contract with users' scripts: add, never rename.
import type { PlannedServer, PortBlock, ServerPlacement } from "../types.ts";
import type { LaunchRole, ServerGpu } from "./launch-types.ts";
import { SCHEMA_VERSION } from "../schema-version.ts";

/** unhealthy: it was healthy, then failed its liveness checks; it is stopped, then restarted or failed. */
export type ServerState = "starting" | "healthy" | "unhealthy" | "restarting" | "failed" | "stopped";

export interface ManifestServerInput {
  server: PlannedServer;
  backend: string;
  placement: ServerPlacement;
  role: LaunchRole;
  gpus: readonly ServerGpu[];
  host: string;
  url: string;
  pid: number | null;
  state: ServerState;
  restarts: number;
  exitCode: number | null;
}

/** Every port the engine really opens from berth's block: the named ones, and the range it picks from itself. */
function manifestPorts(ports: PortBlock) {
  return { http: ports.http, dist: ports.dist, first: ports.first, last: ports.last, ...ports.named, internal: ports.internal };
}

export function manifestJson(node: number, host: string, servers: readonly ManifestServerInput[]) {
  return {
    schemaVersion: SCHEMA_VERSION,
    node,
    host,
    updatedAt: new Date().toISOString(),
    servers: servers.map((entry) => ({
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
      pid: entry.pid,
      pgid: entry.pid, // each server leads its own session and process group
      state: entry.state,
      restarts: entry.restarts,
      exitCode: entry.exitCode,
    })),
  };
}
