// What the supervisor is told (settings) and whom it tells (the view): plain interfaces, no behaviour.
import type { SupervisedServer } from "./supervised-server.ts";

export interface SupervisorSettings {
  /** The advertised address (the manifest's host). */
  host: string;
  /** What the servers bind: health checks reach them there (a wildcard on loopback). */
  bindHost: string;
  node: number;
  healthPaths: string[];
  startupTimeoutMs: number;
  /** Liveness checks once healthy, every this long; 0 turns them off. */
  livenessIntervalMs: number;
  graceMs: number;
  restart: "no" | "on-failure";
  maxRestarts: number;
  /** Stop cleanly this long after all are healthy (the demo); undefined runs until a signal or a failure. */
  durationMs?: number;
  manifestPath?: string;
  /** The registry directory: the manifest is kept there too, for `berth status` (serverTableFileName). */
  serverTableDirectory?: string;
  /** Where berth serves its own /metrics (--metrics-port), for the manifest. */
  metricsUrl?: string;
  logDirectory?: string;
  /**
   * Moves a server to a free block of the pool (a stranger took its port): its launch and reservation
   * rebuilt around the new block, the old ports let go; undefined when no free block is left.
   */
  relocate?(entry: SupervisedServer): Pick<SupervisedServer, "launch" | "placement" | "server"> & { ports: SupervisedServer["reservation"]["ports"] } | undefined;
  /**
   * Called once supervision's signal handlers are in place: the start-up's go (host/node/startup-stop.ts), and
   * a stop signal that came in between is returned, to be acted on at once.
   */
  takeOverSignals?(): NodeJS.Signals | undefined;
}

export interface RunView {
  state(server: SupervisedServer, detail?: string): void;
  line(server: SupervisedServer, stream: "stdout" | "stderr", line: string): void;
  ready(servers: readonly SupervisedServer[]): void;
  message(text: string): void;
}
