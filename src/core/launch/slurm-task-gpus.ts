// One server slot per Slurm task: `srun --ntasks-per-node=8 --gpus-per-task=1 berth exec …` gives each task
// its own GPU(s) only (CUDA_VISIBLE_DEVICES, or a cgroup that hides the rest), and SLURM_LOCALID its slot.
// The plan is still the whole node's (SLURM_GPUS_ON_NODE GPUs, the same on every task), so each task's port
// block is its slot's; only its GPUs come from what Slurm gave it.
import type { ServerGpu } from "./launch-types.ts";

type Env = Record<string, string | undefined>;

export interface TaskGpus {
  /** GPUs Slurm gives each task. */
  perTask: number;
  /** GPUs the node has for the step, where Slurm says (SLURM_GPUS_ON_NODE), else tasks per node × perTask. */
  onNode?: number;
}

const count = (text: string | undefined): number | undefined => {
  const match = /^(?:[\w-]+:)?(\d+)$/.exec(text?.trim() ?? ""); // "1" or "a100:1"
  return match ? Number(match[1]) : undefined;
};

export function slurmTaskGpus(env: Env): TaskGpus | undefined {
  const perTask = count(env.SLURM_GPUS_PER_TASK);
  if (perTask === undefined || perTask < 1) return undefined;
  const tasks = count(env.SLURM_NTASKS_PER_NODE) ?? count(env.SLURM_TASKS_PER_NODE?.split("(")[0]);
  const onNode = count(env.SLURM_GPUS_ON_NODE) ?? (tasks === undefined ? undefined : tasks * perTask);
  return { perTask, onNode };
}

/** Stands in for the GPUs of the node that are other tasks': the plan needs their number, never them. */
export function otherTasksGpu(index: number): ServerGpu {
  return { index, uuid: `other-task-${index}` };
}

/** The node's GPUs as this task sees the plan: other tasks' stand-ins, and this slot's planned ones its own. */
export function taskView(gpusOnNode: number, planned: readonly number[], own: readonly ServerGpu[]): ServerGpu[] {
  const gpus = Array.from({ length: gpusOnNode }, (_, index) => otherTasksGpu(index));
  planned.forEach((local, position) => (gpus[local] = own[position]!));
  return gpus;
}
