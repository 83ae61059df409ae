// What it takes to start one server on this node, as plain data.
import type { BlockLayout } from "../plan/port-block-layout.ts";
import type { Result } from "../result.ts";
import type { PlannedServer, ServerPlacement } from "../types.ts";

/** A backend's name, one of backends/index.ts's list (checked where it is read: the CLI, the spec, a config). */
export type Backend = string;

export interface ServerGpu {
  /** NVML index on this node (PCI order), what CUDA_VISIBLE_DEVICES gets with CUDA_DEVICE_ORDER=PCI_BUS_ID. */
  index: number;
  uuid: string;
}

export interface LaunchContext {
  backend: Backend;
  /** What the server binds (--host), which may be a wildcard. */
  host: string;
  /** What others dial (URLs, the manifest): never a wildcard. */
  advertiseHost: string;
  seedBase: number;
  /** Replaces the engine's executable, e.g. AReaL's own server module. */
  engineCommand?: string[];
  visibleDevices: "index" | "uuid";
  /** Per-server directories (vLLM's RPC sockets, and the compile caches without --cache-dir) go under here. */
  runDirectory: string;
  /** --cache-dir: compile caches per node-local slot here, kept across runs. */
  cacheDirectory?: string;
  /** A short directory of berth's own for what must fit a socket path (107 bytes) when runDirectory is long. */
  shortDirectory: string;
  nodeRank: number;
  /** One leader for every multi-node server (--leader-addr, LWS_LEADER_ADDRESS). */
  leaderAddress?: string;
  /** Else each node's address by node rank: a multi-node server's leader is its own first node. */
  nodeAddresses?: readonly (string | undefined)[];
  /** Members wait for the address their leader publishes in the rendezvous; their launch is rebuilt with it. */
  leaderFromRendezvous?: boolean;
  /** What the leader published in the rendezvous (its real ports), which wins over what this node computes. */
  publishedLeader?: PublishedLeader;
  /** Everything after `--`: engine arguments, or the whole command for the cmd backend. */
  userArgs: string[];
  /** Passed through to every server (the caller's environment). */
  baseEnvironment: Record<string, string | undefined>;
}

export interface PublishedLeader {
  address: string;
  dist: number;
  http: number;
}

export interface Launch {
  argv: string[];
  env: Record<string, string>;
  /** Empty for servers that serve no HTTP on this node (a multi-node member). */
  url: string;
  /** Directories the server needs before it starts, made 0700 by the host (vLLM's VLLM_RPC_BASE_PATH). */
  directories: string[];
}

/** A single-node server, or the leader or a member of a multi-node one. */
export type ServerRole = "single" | "leader" | "member";

/** Who a launch is: members serve no HTTP and are healthy when their leader is. */
export interface LaunchRole {
  role: ServerRole;
  /** A member's leader, as host:port of its HTTP server. */
  leader?: string;
}

/** What every backend starts from: the shared environment and values, worked out once in buildLaunch. */
export interface BackendInput {
  server: PlannedServer;
  placement: ServerPlacement;
  /** CUDA_VISIBLE_DEVICES, BERTH_*, caches: the backend may add its own. */
  env: Record<string, string>;
  context: LaunchContext;
  seed: string;
  /** The server's URL on its leader node, empty on a multi-node member. */
  url: string;
  /** The arguments after `--` with their {placeholders} filled in. */
  args: string[];
  /** Where this server's per-run directories go (its RPC sockets). */
  serverDirectory: string;
  /** Its compile caches' root (per slot under --cache-dir, else per server for the run). */
  cache: string;
  gpus: readonly ServerGpu[];
}

export type BackendLauncher = (input: BackendInput) => Result<Launch>;

/**
 * Everything an engine contributes, in its one module under backends/ (registered in backends/index.ts):
 * adding a backend is that module, the list, its tests and the README.
 */
export interface EngineBackend {
  readonly name: string;
  /** How --backend's help describes it. */
  readonly summary: string;
  /** The ports inside each server's block: an engine the spec grammar names has one (vllm:d4); cmd has none. */
  readonly block?: BlockLayout;
  /** Flags berth sets itself: the same flag in the user's ARGS would fight berth's value, so it is refused. */
  readonly ownedFlags: readonly string[];
  /** Variables berth sets for its servers: the same ones in berth's own environment must not reach them. */
  readonly ownedVariables: readonly string[];
  readonly ownedVariablePrefixes?: readonly string[];
  readonly launch: BackendLauncher;
  /** Where the engine serves its own Prometheus metrics (null: nowhere, or not known). */
  metricsUrl(url: string, argv: readonly string[]): string | null;
  /** A warning for ARGS that berth allows but that will not work the way berth launches. */
  argsWarning?(args: readonly string[]): string | undefined;
}
