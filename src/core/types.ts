// Plain data shared by the core, the host and the command layer.
import type { InferenceBackend, TrainingBackend } from "./spec/ast.ts";

/** Inclusive at both ends, like `--port-pool 10000-32767`. */
export interface PortRange {
  first: number;
  last: number;
}

export interface Cluster {
  nodes: number;
  gpusPerNode: number;
  portPool: PortRange;
  /** Ports the admin set aside (ip_local_reserved_ports); no block may contain one. */
  reservedPorts: PortRange[];
  /** Low end of ip_local_port_range; a pool reaching it collides with the kernel's ephemeral ports. */
  ephemeralLow: number;
}

/** Ports berth hands an engine by name, each replacing a fixed default that co-located servers would share. */
export interface NamedPorts {
  /** KV cache events (--kv-events-config endpoint; both engines default to 5557). */
  kvEvents?: number;
  /** vLLM's Mooncake bootstrap (VLLM_MOONCAKE_BOOTSTRAP_PORT) or SGLang's --disaggregation-bootstrap-port (8998). */
  bootstrap?: number;
  /** vLLM: VLLM_NIXL_SIDE_CHANNEL_PORT (5600), VLLM_P2P_SIDE_CHANNEL_PORT (5710), VLLM_EC_SIDE_CHANNEL_PORT (5601). */
  nixlSideChannel?: number;
  p2pSideChannel?: number;
  ecSideChannel?: number;
  /** SGLang: --encoder-bootstrap-port (8997), --engine-info-bootstrap-port (6789), SGLANG_TCP_STORE_PORT (29600). */
  encoderBootstrap?: number;
  engineInfoBootstrap?: number;
  tcpStore?: number;
  /** SGLang: --grpc-port (else SGLANG_GRPC_PORT, else --port + 10000 in gRPC mode) and --smg-http-sidecar-port. */
  grpc?: number;
  sidecar?: number;
}

/** One server's contiguous slice of its node's pool. */
export interface PortBlock extends PortRange {
  http: number;
  /** The rendezvous: SGLang's --dist-init-addr port, vLLM's multi-node --master-port. */
  dist: number;
  /** The range the engine picks from itself: vLLM's VLLM_PORT scan, SGLang's SGLANG_PORT range. */
  internal: PortRange;
  named: NamedPorts;
}

/** Where a server sits on one node; a multi-node server has one per node. */
export interface ServerPlacement {
  node: number;
  localIndex: number;
  ports: PortBlock;
}

export interface PlannedServer {
  /** Global server index across the whole cluster (seeds are base + index). */
  index: number;
  backend: InferenceBackend;
  name?: string;
  /** Index of the server within its component (0..d-1). */
  replica: number;
  /** Leader node; for single-node servers the only node. */
  node: number;
  localIndex: number;
  /** Node-local GPU indices (the same on every node of a multi-node server). */
  gpus: number[];
  globalGpus: number[];
  tp: number;
  pp: number;
  ports: PortBlock;
  /** Present only for multi-node servers: every node it spans, leader first. */
  nodes?: number[];
  placements: ServerPlacement[];
}

export interface PlannedTraining {
  name?: string;
  backend: TrainingBackend;
  node: number;
  gpus: number[];
  globalGpus: number[];
}

export interface Plan {
  spec: string;
  nodes: number;
  gpusPerNode: number;
  portPool: PortRange;
  servers: PlannedServer[];
  training: PlannedTraining[];
  /** GPUs no component uses, per node (node-local indices). */
  unusedGpus: { node: number; gpus: number[] }[];
}

export interface GpuProcess {
  pid: number;
  /** Bytes, or null where the driver will not say (NVML_VALUE_NOT_AVAILABLE). */
  usedMemory: number | null;
}

/** One GPU as NVML reports it. Fields NVML refused are null, and `error` says why. */
export interface Gpu {
  /** NVML's index: PCI bus order on this node. */
  index: number;
  uuid: string | null;
  name: string | null;
  memory: { total: number; used: number; free: number } | null;
  pciBusId: string | null;
  numaNode: number | null;
  migEnabled: boolean | null;
  processes: GpuProcess[];
  /** e.g. "NVML_ERROR_NO_PERMISSION" when this GPU could not be read. */
  error?: string;
}
