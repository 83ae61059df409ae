// `berth probe`: the GPUs this process may use, read straight from NVML.
import { defineBerthCommand } from "./command.ts";
import { RefusalError } from "./errors.ts";
import { printJson } from "./render/json.ts";
import { renderProbeTable } from "./render/probe-table.ts";
import { ENDED } from "../core/exit.ts";
import { gpuHolders } from "../host/registry/gpu-holders.ts";
import { probeVisibleGpus } from "../host/gpus/visible-gpus.ts";
import { orphanProtection } from "../host/process/server-cgroup.ts";
import { GPU_ENVIRONMENT } from "./environment-rows.ts";

export const probeCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  examples: ["berth probe", "berth probe --json", "CUDA_VISIBLE_DEVICES=2,3 berth probe"],
  environment: GPU_ENVIRONMENT,
  async run({ options, io }) {
    const probe = probeVisibleGpus(io.env);
    if (!probe.ok) throw new RefusalError(probe.refusal);
    const { inventory, visible } = probe;
    // What keeps a server's whole tree from outliving a SIGKILLed berth on this host (host/process/server-cgroup.ts).
    const protection = orphanProtection();
    const holders = await gpuHolders(io.env, visible.gpus.flatMap((gpu) => (gpu.uuid === null ? [] : [gpu.uuid])));
    const heldBy = (uuid: string | null) => {
      const holder = uuid === null ? undefined : holders.get(uuid);
      return holder ? { pid: holder.pid, role: holder.role, startedAt: holder.startedAt } : null;
    };
    if (options.json) {
      printJson(io, {
        driverVersion: inventory.driverVersion,
        cudaDriverVersion: inventory.cudaDriverVersion,
        gpus: visible.gpus.map((gpu) => ({ ...gpu, heldBy: heldBy(gpu.uuid) })),
        visibility: { source: visible.source, totalGpus: inventory.gpus.length },
        missingFeatures: inventory.missingFeatures,
        orphanProtection: protection,
        warnings: visible.warnings,
      });
    } else {
      for (const warning of visible.warnings) io.stderr(`berth: warning: ${warning}\n`);
      io.stdout(renderProbeTable(inventory, visible.gpus, heldBy));
      io.stdout(protection.kind === "cgroup" ? `\nservers run in a cgroup of berth's own under ${protection.parent}: nothing they start outlives berth\n` : `\nservers run in process groups with PR_SET_PDEATHSIG (${protection.why}): a grandchild that leaves its group can outlive a SIGKILLed berth\n`);
    }
    return ENDED.ok;
  },
});
