// The one list of backends. The CLI's --backend choices, the spec grammar's engines, a config's `backend`
// values and the types all derive from it; what each backend contributes is in its own module beside this.
import type { EngineBackend } from "../launch-types.ts";
import { cmdBackend } from "./cmd.ts";
import { sglangBackend } from "./sglang.ts";
import { vllmBackend } from "./vllm.ts";

export const BACKENDS = [vllmBackend, sglangBackend, cmdBackend] as const;

export type BackendName = (typeof BACKENDS)[number]["name"];

export const BACKEND_NAMES: readonly BackendName[] = BACKENDS.map((backend) => backend.name);

/** The engines a spec names (`vllm:d4`): those with a port block of their own. */
export const SPEC_ENGINES: readonly string[] = BACKENDS.filter((backend) => "block" in backend).map((backend) => backend.name);

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}

/** The backend of a name the CLI, the spec or a config has already checked. */
export function backendNamed(name: string): EngineBackend {
  const found = BACKENDS.find((backend) => backend.name === name);
  if (!found) throw new Error(`no backend named ${JSON.stringify(name)}`); // a name is checked where it is read
  return found;
}
