// One server's argv and environment from the plan: the environment every server gets is built here, and
// each backend (backends/, one file each) adds its own flags and variables.
import type { Result } from "../result.ts";
import type { PlannedServer, ServerPlacement } from "../types.ts";
import { cmdLaunch } from "./backends/cmd.ts";
import { sglangLaunch } from "./backends/sglang.ts";
import { vllmLaunch } from "./backends/vllm.ts";
import type { Backend, BackendLauncher, Launch, LaunchContext, ServerGpu } from "./launch-types.ts";
import { hostForUrl } from "./url-host.ts";

function serverEnvironment(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Record<string, string> {
  const base = Object.fromEntries(Object.entries(context.baseEnvironment).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const cache = `${context.runDirectory}/server-${server.index}`;
  const ports = placement.ports;
  return {
    ...base,
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
    XDG_CACHE_HOME: `${cache}/xdg`,
  };
}

const LAUNCHERS: Record<Backend, BackendLauncher> = { vllm: vllmLaunch, sglang: sglangLaunch, cmd: cmdLaunch };

export function buildLaunch(server: PlannedServer, placement: ServerPlacement, gpus: readonly ServerGpu[], context: LaunchContext): Result<Launch> {
  const env = serverEnvironment(server, placement, gpus, context);
  const isLeader = placement.node === server.node;
  const url = isLeader ? `http://${hostForUrl(context.advertiseHost)}:${placement.ports.http}` : "";
  return LAUNCHERS[context.backend]({ server, placement, env, context, seed: String(context.seedBase + server.index), url });
}
