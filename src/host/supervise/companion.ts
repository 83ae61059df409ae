// What runs beside the servers and hears every state change (the rendezvous presence, AReaL's name_resolve),
// started with the run it accompanies. Apart from settings.ts, so that the settings never name the run.
import type { Ending } from "../../core/exit.ts";
import type { SupervisorRun } from "./supervisor-run.ts";

/** Something supervision tells of every change, and waits for at the end. */
export interface Companion {
  changed(): void;
  /** Resolves once what the changes so far asked for is done: `ready` waits for it (AReaL's entries exist). */
  settled?(): Promise<void>;
  finish(ending: Ending, stoppedBySignal: boolean): Promise<void>;
}

export type CompanionStart = (run: SupervisorRun) => Companion;
