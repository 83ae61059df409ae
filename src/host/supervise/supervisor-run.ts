// The state one supervision shares between its steps: the servers, whether berth is stopping and with
// which code, and one AbortController whose abort cancels every timer and health watch of the run.
import type { ServerState } from "../../core/launch/manifest.ts";
import { manifestWriter, type ManifestWriter } from "./manifest-writer.ts";
import type { RunView, SupervisorSettings } from "./settings.ts";
import type { SupervisedServer } from "./supervised-server.ts";

export class SupervisorRun {
  /** Every pid berth started, so the reaper leaves those to their own watchers. */
  readonly spawned = new Set<number>();
  readonly manifest: ManifestWriter;
  /** Aborted when the stop begins (health watches, restart and duration timers)… */
  readonly running = new AbortController();
  /** …and this one when supervision is over (the grace timer and the reaper too). */
  readonly lifetime = new AbortController();
  stopping = false;
  exitCode: number | undefined;
  readyAnnounced = false;
  durationArmed = false;
  private resolveEnded: () => void = () => {};
  readonly allEnded = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly servers: SupervisedServer[],
    readonly settings: SupervisorSettings,
    readonly view: RunView,
  ) {
    this.manifest = manifestWriter(servers, settings, (message) => view.message(message));
  }

  /** Servers whose process is alive (started and not yet ended). */
  live(): SupervisedServer[] {
    return this.servers.filter((entry) => entry.pid !== null && entry.end === null);
  }

  setState(entry: SupervisedServer, state: ServerState, detail?: string): void {
    entry.state = state;
    if (state !== "healthy") this.readyAnnounced = false; // after a restart, "ready" is announced again
    this.view.state(entry, detail);
    this.manifest.write();
  }

  /** Called after every end: once stopping and nothing is alive, supervision moves on to the sweep. */
  settleIfDone(): void {
    if (this.stopping && this.live().length === 0) this.resolveEnded();
  }
}
