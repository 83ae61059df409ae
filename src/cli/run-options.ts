// Options shared by `berth run`, `berth exec` and `berth demo`.
import { booleanOption, durationOption, enumOption, integerOption, portRangeOption, repeatableOption, stringOption } from "./option-kinds.ts";
import type { OptionDef } from "./option-kinds.ts";
import { MAX_GPUS_PER_NODE, MAX_NODES } from "./plan.ts";
import { LIVENESS_DEFAULT_MS } from "../core/supervise/timing.ts";
import { PLACEHOLDER_LIST } from "../core/launch/placeholders.ts";
import { BACKEND_NAMES, BACKENDS, type BackendName } from "../core/launch/backends/index.ts";
import { RENDEZVOUS_OPTIONS } from "./rendezvous-options.ts";

const backendOption: OptionDef<BackendName> = {
  ...enumOption({ description: `How to start servers: ${BACKENDS.map((backend) => `${backend.name} (${backend.summary})`).join(", ")}; a command gets ${PLACEHOLDER_LIST}`, choices: BACKEND_NAMES, default: BACKEND_NAMES[0]! }),
  default: undefined,
  defaultHint: "each component's own backend from the spec",
};

export const LAUNCH_OPTIONS = {
  backend: backendOption,
  nodes: integerOption({ description: "Number of nodes in the job", min: 1, max: MAX_NODES, valueHint: "N", defaultHint: "from SLURM_NNODES, NNODES or LWS_GROUP_SIZE, else 1", env: "BERTH_NNODES" }),
  nodeRank: integerOption({ description: "This node's rank", min: 0, max: MAX_NODES - 1, valueHint: "R", defaultHint: "from SLURM_NODEID, NODE_RANK, LWS_WORKER_INDEX or JOB_COMPLETION_INDEX, else 0" }),
  gpusPerNode: integerOption({ description: "GPUs per node (the first G visible ones); with --simulate, how many simulated GPUs", min: 1, max: MAX_GPUS_PER_NODE, valueHint: "G", defaultHint: "this node's visible GPU count" }),
  portPool: portRangeOption({ description: "Ports to cut into server blocks", min: 1024, max: 65535, defaultHint: "10000 to one below ip_local_port_range's low end" }),
  host: stringOption({ description: "Address servers bind (0.0.0.0 or :: for every interface)", defaultHint: "the advertised address" }),
  advertiseHost: stringOption({ description: "Address others dial: URLs, the manifest, --addrs-env (never a wildcard)", defaultHint: "--host unless a wildcard, else the default route's interface address" }),
  leaderAddr: stringOption({ description: "Multi-node leader's address for SGLang's --dist-init-addr", valueHint: "ADDR", defaultHint: "LWS_LEADER_ADDRESS or the first host of SLURM_JOB_NODELIST" }),
  // Not BERTH_SEED: that is each server's own seed, which berth exports; a nested berth must not read it back.
  seed: integerOption({ description: "Base seed; each server gets base + its global index", min: 0, max: 2 ** 31 - 1, default: 1, env: "BERTH_SEED_BASE" }),
  engineCmd: repeatableOption({ description: "Replace the engine's executable, e.g. with AReaL's own server module (README: AReaL's engines); NAME=CMD for one component of the spec only (repeatable; [components.NAME] engine_cmd in --config)", valueHint: "[NAME=]CMD" }),
  args: repeatableOption({ description: "One component's own arguments, shell-split and added after the common ones after -- (repeatable; [components.NAME] args in --config)", valueHint: "NAME=ARGS" }),
  visibleDevices: enumOption({ description: "CUDA_VISIBLE_DEVICES as NVML indices (with CUDA_DEVICE_ORDER=PCI_BUS_ID) or full UUIDs", choices: ["index", "uuid"], default: "index" }),
  simulate: booleanOption({ description: "Run on --gpus-per-node simulated GPUs (fake UUIDs, not locked: two simulated runs may share them) instead of NVML's; without it, no NVML is a refusal (exit 3)" }),
  allowBusyGpus: booleanOption({ description: "Put servers on GPUs other processes compute on (berth probe's BUSY), with a warning, instead of moving them to free GPUs" }),
  runDir: stringOption({ description: "Where per-server run directories (vLLM's RPC sockets; compile caches without --cache-dir) go; kept when given, else made for the run and removed when it ends", valueHint: "DIR", defaultHint: "$TMPDIR/berth-run-<pid>" }),
  cacheDir: stringOption({ description: "Keep compile caches (Triton, TorchInductor, vLLM) here, one directory per node-local slot, so they survive runs; use a node-local disk", valueHint: "DIR", defaultHint: "per server under the run directory, removed with it" }),
};

/** --metrics-port, for `run` and `demo`. */
export const METRICS_PORT_OPTION = integerOption({
  description: "Serve Prometheus metrics at http://HOST:N/metrics while berth runs: per server up, state, restarts, last exit code, health-check latency and time to healthy; per node reserved ports and GPUs (labels server, node, component, job). Bound before any server starts: a port that cannot be had is exit 3",
  min: 1, max: 65535, valueHint: "N",
});

export const SUPERVISE_OPTIONS = {
  metricsPort: METRICS_PORT_OPTION,
  healthPath: stringOption({ description: "Comma-separated health paths polled in turn, or none", default: "/health,/v1/models" }),
  startupTimeout: durationOption({ description: "How long a server may take to become healthy (0: no limit); one that is not is stopped, and restarted under --restart on-failure", default: 20 * 60_000 }),
  livenessInterval: durationOption({ description: "Once healthy, check the first health path this often; 3 failures in a row make a server unhealthy (restarted under --restart on-failure, else the run fails); 0 turns it off", default: LIVENESS_DEFAULT_MS }),
  manifest: stringOption({ description: "Write the manifest here (atomically, at every state change)", valueHint: "FILE" }),
  logDir: stringOption({ description: "Keep one log file per server here", valueHint: "DIR" }),
  grace: durationOption({ description: "After TERM, how long servers get before SIGKILL (0: SIGKILL at once)", default: 10_000 }),
  restart: enumOption({ description: "Restart a failed server on its same GPUs and ports: one that exits, becomes unhealthy or is not healthy by --startup-timeout", choices: ["no", "on-failure"], default: "no" }),
  maxRestarts: integerOption({ description: "Restarts per server with --restart on-failure", min: 0, max: 1000, default: 3 }),
  addrsEnv: booleanOption({ description: "When ready, print AREAL_LLM_SERVER_ADDRS=host:port,… for AReaL" }),
  ...RENDEZVOUS_OPTIONS,
  arealNameResolve: stringOption({ description: "Also write AReaL's name_resolve entries for the servers: nfs:ROOT or etcd3:HOST:PORT; checked before anything is reserved, and a write that fails fails the run", valueHint: "KIND:WHERE" }),
  arealExperiment: stringOption({ description: "AReaL's experiment name (with --areal-name-resolve)", valueHint: "E" }),
  arealTrial: stringOption({ description: "AReaL's trial name (with --areal-name-resolve)", valueHint: "T" }),
  arealUser: stringOption({ description: "AReaL's user name in the keys", valueHint: "USER", defaultHint: "LOGNAME, USER, LNAME, USERNAME, then the password database" }),
  failTogether: booleanOption({ description: "With --rendezvous: a failed or vanished node stops every node of the job (on by default; --no-fail-together)" }),
};
