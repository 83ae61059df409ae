// The variables berth reads from schedulers and the GPU stack, as --help's ENVIRONMENT rows (data only;
// node-identity.ts and visible-gpus.ts are what really read them).
import type { HelpRow } from "./render/help.ts";

export const GPU_ENVIRONMENT: readonly HelpRow[] = [
  { term: "CUDA_VISIBLE_DEVICES", text: "Limits berth to these GPUs (indices or UUIDs), as it limits CUDA; NVIDIA_VISIBLE_DEVICES likewise" },
  { term: "BERTH_NVML_LIBRARY", text: "Absolute path of libnvidia-ml.so.1 when it is not in the ldconfig cache or the driver's usual directories" },
];

export const NODE_ENVIRONMENT: readonly HelpRow[] = [
  { term: "SLURM_NODEID, SLURM_NNODES", text: "This node's rank and the node count under srun; SLURM_JOB_NODELIST names the leader" },
  { term: "NODE_RANK, NNODES", text: "Rank and count set by other launchers (torchrun-style)" },
  { term: "LWS_WORKER_INDEX", text: "Rank in a LeaderWorkerSet; LWS_GROUP_SIZE the count, LWS_LEADER_ADDRESS the leader" },
  { term: "JOB_COMPLETION_INDEX", text: "Rank in a Kubernetes Indexed Job (give the count with --nodes)" },
];
