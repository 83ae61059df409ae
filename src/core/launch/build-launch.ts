// One server's argv and environment from the plan: the environment every server gets is built here, the
// {placeholders} are filled in, and each backend (backends/, one file each) adds its own flags and variables.
import { fail, type Result } from "../result.ts";
import type { PlannedServer, ServerPlacement } from "../types.ts";
import { backendNamed } from "./backends/index.ts";
import { leaderAddressOf } from "./backends/multi-node.ts";
import { passedThrough } from "./engine-environment.ts";
import type { Launch, LaunchContext, LaunchRole, ServerGpu } from "./launch-types.ts";
import { fillPlaceholders, placeholderValues, unknownPlaceholder } from "./placeholders.ts";
import { hostForUrl } from "./url-host.ts";

/** Compile caches: per node-local slot under --cache-dir (kept across runs), else per server for this run. */
function cacheDirectoryOf(server: PlannedServer, placement: ServerPlacement, context: LaunchContext): string {
  return context.cacheDirectory ? `${context.cacheDirectory}/slot-${placement.localIndex}` : `${context.runDirectory}/server-${server.index}`;
}

function serverEnvironment(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Record<string, string> {
  const cache = cacheDirectoryOf(server, placement, context);
  const ports = placement.ports;
  const env: Record<string, string> = {
    ...passedThrough(context.baseEnvironment),
    CUDA_VISIBLE_DEVICES: gpus.map((gpu) => (context.visibleDevices === "uuid" ? gpu.uuid : String(gpu.index))).join(","),
    CUDA_DEVICE_ORDER: "PCI_BUS_ID",
    BERTH_SERVER: String(server.index),
    BERTH_LOCAL_INDEX: String(placement.localIndex),
    BERTH_NODE: String(placement.node),
    BERTH_PORT: String(ports.http),
    BERTH_DIST_PORT: String(ports.dist),
    BERTH_PORTS: `${ports.first}-${ports.last}`,
    BERTH_SEED: String(context.seedBase + server.index),
    // Each server compiles into its own caches, so concurrent servers never trample each other's files.
    TRITON_CACHE_DIR: `${cache}/triton`,
    TORCHINDUCTOR_CACHE_DIR: `${cache}/inductor`,
  };
  if (ports.named.kvEvents !== undefined) env.BERTH_KV_EVENTS_PORT = String(ports.named.kvEvents);
  if (ports.named.bootstrap !== undefined) env.BERTH_BOOTSTRAP_PORT = String(ports.named.bootstrap);
  return env;
}

/** A member's leader (host:port of its HTTP server), where the leader's address is known. */
export function roleOf(server: PlannedServer, placement: ServerPlacement, context: LaunchContext): LaunchRole {
  if (!server.nodes) return { role: "single" };
  if (placement.node === server.node) return { role: "leader" };
  const leader = leaderAddressOf(server, context);
  const http = context.publishedLeader?.http ?? server.ports.http;
  return leader === undefined ? { role: "member" } : { role: "member", leader: `${hostForUrl(leader)}:${http}` };
}

export function buildLaunch(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Result<Launch> {
  const unknown = unknownPlaceholder(context.userArgs);
  if (unknown) return fail(unknown);
  const env = serverEnvironment(server, placement, gpus, context);
  const isLeader = placement.node === server.node;
  const url = isLeader ? `http://${hostForUrl(context.advertiseHost)}:${placement.ports.http}` : "";
  const seed = String(context.seedBase + server.index);
  const args = fillPlaceholders(context.userArgs, placeholderValues(server, placement, context.host, env.CUDA_VISIBLE_DEVICES!, seed));
  const serverDirectory = `${context.runDirectory}/server-${server.index}`;
  const cache = cacheDirectoryOf(server, placement, context);
  return backendNamed(context.backend).launch({ server, placement, env, context, seed, url, args, serverDirectory, cache, gpus });
}
