// Which GPUs this process may use, and in what order: CUDA's and the container runtime's rules as one
// pure function. CUDA's own behaviour (CUDA Programming Guide §5.2.1.1, as nvitop emulates it): order
// kept, parsing stops at the first invalid entry, a duplicate empties the list, indices and UUIDs do not mix.

export interface VisibleCandidate {
  index: number;
  uuid: string | null;
}

export interface VisibilityEnvironment {
  CUDA_VISIBLE_DEVICES?: string;
  NVIDIA_VISIBLE_DEVICES?: string;
  CUDA_DEVICE_ORDER?: string;
}

export interface Visibility<T> {
  gpus: T[];
  warnings: string[];
  /** Which variable decided, for messages. */
  source: "all" | "CUDA_VISIBLE_DEVICES" | "NVIDIA_VISIBLE_DEVICES";
}

type Entry = { kind: "index"; index: number } | { kind: "uuid"; prefix: string } | { kind: "mig"; uuid: string };

function classify(text: string): Entry | undefined {
  if (/^\d+$/.test(text)) return { kind: "index", index: Number(text) };
  if (/^GPU-[0-9a-fA-F-]+$/.test(text)) return { kind: "uuid", prefix: text.toLowerCase() };
  if (/^MIG-[0-9a-zA-Z/-]+$/.test(text)) return { kind: "mig", uuid: text };
  return undefined;
}

function applyNvidiaVisibleDevices<T extends VisibleCandidate>(value: string, gpus: T[], warnings: string[]): T[] {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === "all" || trimmed === "") return gpus;
  if (trimmed === "none" || trimmed === "void") return [];
  const entries = value.split(",").map((entry) => entry.trim());
  if (entries.every((entry) => /^\d+$/.test(entry))) {
    // Host indices: inside the container NVML already lists only these, renumbered from 0.
    if (gpus.length > entries.length) {
      warnings.push(`NVIDIA_VISIBLE_DEVICES=${value} names ${entries.length} GPUs but NVML lists ${gpus.length}; berth is not in that container, so it uses NVML's list`);
    }
    return gpus;
  }
  return entries.flatMap((entry) => gpus.filter((gpu) => gpu.uuid !== null && gpu.uuid.toLowerCase() === entry.toLowerCase()));
}

function applyCudaVisibleDevices<T extends VisibleCandidate>(value: string, gpus: T[], environment: VisibilityEnvironment, warnings: string[]): T[] {
  if (value.trim() === "") {
    // CUDA's way of saying "no GPUs": honoured, and said, since it is more often a script's slip than a wish.
    warnings.push(`CUDA_VISIBLE_DEVICES is set but empty: no GPU is visible, as CUDA would see none`);
    return [];
  }
  const chosen: T[] = [];
  let kind: Entry["kind"] | undefined;
  for (const raw of value.split(",")) {
    const text = raw.trim();
    const entry = classify(text);
    const stop = (why: string) => warnings.push(`CUDA_VISIBLE_DEVICES=${value}: '${text}' ${why}; as CUDA does, the entries from there on are ignored`);
    if (!entry) {
      stop("is not an index, a GPU- UUID or a MIG- UUID");
      break;
    }
    if (kind !== undefined && entry.kind !== kind && !(kind === "uuid" && entry.kind === "mig") && !(kind === "mig" && entry.kind === "uuid")) {
      stop("mixes indices and UUIDs");
      break;
    }
    kind = entry.kind;
    if (entry.kind === "mig") {
      warnings.push(`CUDA_VISIBLE_DEVICES names MIG device ${entry.uuid}; berth places servers on whole GPUs only, so it is not listed`);
      break; // CUDA exposes at most one MIG device.
    }
    let match: T | undefined;
    if (entry.kind === "index") {
      match = gpus.find((gpu) => gpu.index === entry.index);
      if (!match) {
        stop(`is not a GPU index here (${gpus.length} GPUs)`);
        break;
      }
    } else {
      const matches = gpus.filter((gpu) => gpu.uuid !== null && gpu.uuid.toLowerCase().startsWith(entry.prefix));
      if (matches.length !== 1) {
        stop(matches.length === 0 ? "matches no GPU's UUID" : "is a UUID prefix shared by several GPUs");
        break;
      }
      match = matches[0];
    }
    if (chosen.includes(match!)) {
      warnings.push(`CUDA_VISIBLE_DEVICES=${value} names a GPU twice; as CUDA does, no GPU is visible`);
      return [];
    }
    chosen.push(match!);
  }
  if (kind === "index" && environment.CUDA_DEVICE_ORDER !== "PCI_BUS_ID") {
    warnings.push(
      environment.CUDA_DEVICE_ORDER === undefined
        ? "CUDA_DEVICE_ORDER is unset; berth reads CUDA_VISIBLE_DEVICES indices in PCI bus order (NVML's order, and the order berth sets for its servers)"
        : `CUDA_DEVICE_ORDER=${environment.CUDA_DEVICE_ORDER}: berth cannot know that order and reads CUDA_VISIBLE_DEVICES indices in PCI bus order`,
    );
  }
  return chosen;
}

/** The GPUs visible to this process, in the order CUDA would number them. */
export function visibleGpus<T extends VisibleCandidate>(all: readonly T[], environment: VisibilityEnvironment): Visibility<T> {
  const warnings: string[] = [];
  let gpus = [...all];
  let source: Visibility<T>["source"] = "all";
  if (environment.NVIDIA_VISIBLE_DEVICES !== undefined) {
    gpus = applyNvidiaVisibleDevices(environment.NVIDIA_VISIBLE_DEVICES, gpus, warnings);
    source = "NVIDIA_VISIBLE_DEVICES";
  }
  if (environment.CUDA_VISIBLE_DEVICES !== undefined) {
    gpus = applyCudaVisibleDevices(environment.CUDA_VISIBLE_DEVICES, gpus, environment, warnings);
    source = "CUDA_VISIBLE_DEVICES";
  }
  return { gpus, warnings, source };
}
