// The manifest on disk, rewritten atomically after every change, one write at a time and in order, so a
// reader never sees an older state after a newer one.
import { exitCodeOf } from "../../core/exit.ts";
import { manifestJson } from "../../core/launch/manifest.ts";
import { writeManifestAtomically } from "../manifest-file.ts";
import type { SupervisorSettings } from "./settings.ts";
import type { SupervisedServer } from "./supervised-server.ts";

export interface ManifestWriter {
  write(): void;
  /** A write has failed: the manifest on disk is stale, so nothing may be announced from it. */
  readonly failed: boolean;
  /** Resolves once every write asked for so far is on disk. */
  written(): Promise<void>;
}

export function manifestWriter(servers: readonly SupervisedServer[], settings: SupervisorSettings, onError: (message: string) => void): ManifestWriter {
  let writes = Promise.resolve();
  let failed = false;
  return {
    get failed() {
      return failed;
    },
    write() {
      const path = settings.manifestPath;
      if (!path) return;
      const entries = servers.map((entry) => ({ ...entry, host: settings.host, url: entry.launch.url, exitCode: entry.end ? exitCodeOf(entry.end) : null }));
      const manifest = manifestJson(settings.node, settings.host, entries);
      writes = writes
        .then(() => writeManifestAtomically(path, manifest))
        .catch((error: Error) => {
          const first = !failed;
          failed = true;
          if (first) onError(error.message);
        });
    },
    written: () => writes,
  };
}
