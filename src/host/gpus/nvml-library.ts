// Finds and opens NVML once per process, and shuts it down at exit.
import { nvmlLibraryCandidates, NVML_DRIVER_DIRECTORIES } from "../../core/gpu/nvml-library-search.ts";
import { describeNvmlReturn, NVML_RETURN } from "../../core/gpu/nvml-return.ts";
import { isReadable, readSmallFile } from "../../ffi/libc.ts";
import { openNvml, type Nvml } from "../../ffi/nvml.ts";
import { badInput, environmentRefusal, type Refusal } from "../../core/refusal.ts";

/** A bad BERTH_NVML_LIBRARY is bad input; a missing or failing driver is the environment. */
export type NvmlLoad = { ok: true; nvml: Nvml } | { ok: false; code: number; refusal: Refusal };

let loaded: NvmlLoad | undefined;

function notFoundMessage(): string {
  const places = ["the ldconfig cache (/etc/ld.so.cache)", ...NVML_DRIVER_DIRECTORIES].join(", ");
  return `NVML library not found (NVML error ${NVML_RETURN.ERROR_LIBRARY_NOT_FOUND}): looked for libnvidia-ml.so.1 in ${places}; is the NVIDIA driver installed? Set BERTH_NVML_LIBRARY=/absolute/path/libnvidia-ml.so.1 to point elsewhere`;
}

function load(env: Record<string, string | undefined>): NvmlLoad {
  const choice = nvmlLibraryCandidates(env.BERTH_NVML_LIBRARY, readSmallFile("/etc/ld.so.cache", 64 << 20));
  if (choice.kind === "bad-override") {
    return { ok: false, code: NVML_RETURN.ERROR_LIBRARY_NOT_FOUND, refusal: badInput(`bad value ${JSON.stringify(choice.value)} for BERTH_NVML_LIBRARY; ${choice.reason}`) };
  }
  let path: string | undefined;
  if (choice.kind === "override") {
    if (!isReadable(choice.path)) {
      return { ok: false, code: NVML_RETURN.ERROR_LIBRARY_NOT_FOUND, refusal: badInput(`BERTH_NVML_LIBRARY=${choice.path} does not exist or cannot be read`) };
    }
    path = choice.path;
  } else {
    path = choice.paths.find(isReadable);
    if (!path) return { ok: false, code: NVML_RETURN.ERROR_LIBRARY_NOT_FOUND, refusal: environmentRefusal(notFoundMessage()) };
  }
  const opened = openNvml(path);
  if (!opened.ok) {
    return { ok: false, code: opened.code, refusal: environmentRefusal(opened.detail ?? `${describeNvmlReturn(opened.code)} while initializing ${path}`) };
  }
  process.once("exit", () => opened.nvml.shutdown());
  return opened;
}

/** NVML for this process, initialized on first use. */
export function loadNvml(env: Record<string, string | undefined>): NvmlLoad {
  loaded ??= load(env);
  return loaded;
}
