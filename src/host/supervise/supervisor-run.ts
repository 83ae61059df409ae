// The state one supervision shares between its steps: the servers, whether berth is stopping and with
// which code, and one AbortController whose abort cancels every timer and health watch of the run.
import type { Ending } from "../../core/exit.ts";
import type { ServerState } from "../../core/launch/manifest.ts";
import { manifestWriter, type ManifestWriter } from "./manifest-writer.ts";
import type { RunView, SupervisorSettings } from "./settings.ts";
import type { SupervisedServer } from "./supervised-server.ts";
import { after } from "../timers.ts";
import { startTreeGuardian, type TreeGuardian } from "./tree-guardian.ts";
import { createServerCgroup, type ServerCgroup } from "../process/server-cgroup.ts";

export class SupervisorRun {
  /** Every pid berth started, so the reaper leaves those to their own watchers. */
  readonly spawned = new Set<number>();
  readonly manifest: ManifestWriter;
  /** Kills every server's process group if berth dies without a stop (SIGKILL, OOM). */
  readonly guardian: TreeGuardian;
  /** The servers' own cgroup, where the host allows one: nothing they start outlives berth. */
  readonly cgroup: ServerCgroup | undefined;
  /** Aborted when the stop begins (health watches, restart and duration timers)… */
  readonly running = new AbortController();
  /** …and this one when supervision is over (the grace timer and the reaper too). */
  readonly lifetime = new AbortController();
  stopping = false;
  /** berth itself got a stop signal (TERM, INT, HUP, QUIT). */
  signalled = false;
  /** Why the run ends, decided by the first stop (core/exit.ts turns it into the status). */
  ending: Ending | undefined;
  /** Why the stop began, in words: the `exit` event's reason. */
  stopReason = "";
  /** Told after every state change (the rendezvous presence). */
  readonly onChange: (() => void)[] = [];
  /** What `ready` waits for besides the manifest: the companions' writes (AReaL's entries). */
  readonly readyGates: (() => Promise<void>)[] = [];
  readyAnnounced = false;
  durationArmed = false;
  /** Ends not judged yet (see STOP_SIGNAL_RACE_MS): each judges itself when due, or at once when the stop begins. */
  private readonly undecided = new Map<SupervisedServer, () => void>();
  private resolveEnded: () => void = () => {};
  readonly allEnded = new Promise<void>((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly servers: SupervisedServer[],
    readonly settings: SupervisorSettings,
    readonly view: RunView,
    /** What a failed manifest write does to the run (supervise.ts: fail it). */
    onManifestError: (run: SupervisorRun, message: string) => void,
  ) {
    this.manifest = manifestWriter(servers, settings, (message) => onManifestError(this, message), (message) => view.message(`warning: ${message}`));
    this.guardian = startTreeGuardian((message) => view.message(message));
    if (this.guardian.pid !== null) this.spawned.add(this.guardian.pid); // berth's own child, not an orphan
    this.cgroup = createServerCgroup();
    if (this.cgroup) this.guardian.guardCgroup(this.cgroup.path);
  }

  /** Servers whose process is alive (started and not yet ended). */
  live(): SupervisedServer[] {
    return this.servers.filter((entry) => entry.pid !== null && entry.end === null);
  }

  setState(entry: SupervisedServer, state: ServerState, detail?: string): void {
    if (entry.state !== state) entry.since = Date.now();
    entry.state = state;
    if (state !== "healthy") this.readyAnnounced = false; // after a restart, "ready" is announced again
    this.view.state(entry, detail);
    this.manifest.write();
    for (const listener of this.onChange) listener();
  }

  /** Judges a server's end after delayMs, unless the stop begins first: then at once. */
  decideLater(entry: SupervisedServer, delayMs: number, decide: () => void): void {
    this.undecided.set(entry, decide);
    after(this.lifetime.signal, delayMs, () => this.decideNow(entry));
  }

  /** Every end that waits for its judgement is judged now (the stop has begun). */
  decideAllNow(): void {
    for (const entry of [...this.undecided.keys()]) this.decideNow(entry);
  }

  private decideNow(entry: SupervisedServer): void {
    const decide = this.undecided.get(entry);
    if (!decide) return;
    this.undecided.delete(entry);
    decide();
  }

  /** Called after every end: once stopping, nothing alive and every end judged, supervision moves on to the sweep. */
  settleIfDone(): void {
    if (this.stopping && this.live().length === 0 && this.undecided.size === 0) this.resolveEnded();
  }
}
