// The manifest on disk, rewritten atomically after every change and at every heartbeat, one write at a time
// and in order, so a reader never sees an older state after a newer one. It goes to --manifest when asked
// (a write that fails there fails the run: its readers would be told a stale story) and always to the
// registry, where `berth status` reads it (a failure there is only a warning: status falls back to holders).
import { childStatus } from "../../core/exit.ts";
import { engineMetricsUrl } from "../../core/launch/engine-metrics.ts";
import { MANIFEST_HEARTBEAT_MS, manifestJson, type ManifestSupervisor } from "../../core/launch/manifest.ts";
import { serverTableFileName } from "../../core/registry/registry-layout.ts";
import { unlink } from "../../ffi/libc.ts";
import { writeManifestAtomically } from "../manifest-file.ts";
import { ownIdentity } from "../process/self-process.ts";
import type { SupervisorSettings } from "./settings.ts";
import type { SupervisedServer } from "./supervised-server.ts";

export interface ManifestWriter {
  write(): void;
  /** A write has failed: the manifest on disk is stale, so nothing may be announced from it. */
  readonly failed: boolean;
  /** Resolves once every write asked for so far is on disk. */
  written(): Promise<void>;
  /** Rewrites it every MANIFEST_HEARTBEAT_MS until finish(). */
  startHeartbeat(): void;
  /** The last write is done: the heartbeat stops and the registry's copy goes (nothing runs any more). */
  finish(): Promise<void>;
}

function supervisorOf(settings: SupervisorSettings): ManifestSupervisor {
  const identity = ownIdentity();
  return { pid: identity?.pid ?? process.pid, startedAt: identity?.startedAt ?? new Date().toISOString(), metricsUrl: settings.metricsUrl ?? null };
}

export function manifestDocument(servers: readonly SupervisedServer[], settings: SupervisorSettings, supervisor: ManifestSupervisor) {
  const entries = servers.map((entry) => ({
    ...entry,
    host: settings.host,
    url: entry.launch.url,
    metricsUrl: engineMetricsUrl(entry.backend, entry.launch.url, entry.launch.argv),
    exitCode: entry.end ? childStatus(entry.end) : null,
  }));
  return manifestJson(settings.node, settings.host, entries, supervisor);
}

export function manifestWriter(servers: readonly SupervisedServer[], settings: SupervisorSettings, onError: (message: string) => void, onTableError: (message: string) => void): ManifestWriter {
  const supervisor = supervisorOf(settings);
  const identity = ownIdentity();
  const table = settings.serverTableDirectory && identity ? `${settings.serverTableDirectory}/${serverTableFileName(identity)}` : undefined;
  let writes = Promise.resolve();
  let failed = false;
  let tableFailed = false;
  let heartbeat: Timer | undefined;
  const writer: ManifestWriter = {
    get failed() {
      return failed;
    },
    write() {
      const path = settings.manifestPath;
      if (!path && !table) return;
      const manifest = manifestDocument(servers, settings, supervisor);
      writes = writes.then(async () => {
        if (path) await writeManifestAtomically(path, manifest).catch((error: Error) => {
          if (!failed) onError(error.message);
          failed = true;
        });
        if (table) await writeManifestAtomically(table, manifest).catch((error: Error) => {
          if (!tableFailed) onTableError(`berth status will not show this run's servers: ${error.message}`);
          tableFailed = true;
        });
      });
    },
    written: () => writes,
    startHeartbeat() {
      heartbeat ??= setInterval(() => writer.write(), MANIFEST_HEARTBEAT_MS);
      heartbeat.unref();
    },
    async finish() {
      clearInterval(heartbeat);
      await writes;
      if (table) unlink(table);
    },
  };
  return writer;
}
