// What `berth wait` does, without the command line: follow the job's attempt (the one named, else the store's
// current one, which a new attempt moves), read it every WATCH_MS, and end when the job is ready, failed, or
// the timeout passes. A store that cannot be reached is retried until the timeout; one that cannot be used as
// it is (another user's directory) ends the wait at once.
import { viewJob } from "../../core/rendezvous/job-view.ts";
import type { ServerRecord } from "../../core/rendezvous/node-record.ts";
import { STALE_MS, WATCH_MS } from "../../core/rendezvous/timing.ts";
import { describeLocation, type RendezvousChoice } from "../../core/rendezvous/location.ts";
import { currentAttempt } from "./current-attempt.ts";
import { jobReader, type JobReader } from "./job-records.ts";
import { openStore } from "./open-store.ts";
import { storeTroubleReporter } from "./store-trouble.ts";
import { StoreRefused, type RendezvousStore } from "./store.ts";

export type WaitOutcome =
  | { kind: "ready"; attempt: string; servers: ServerRecord[]; job: { spec: string; nodes: number; gpusPerNode: number } }
  | { kind: "failed"; message: string }
  | { kind: "refused"; message: string };

export interface WaitReporting {
  progress(text: string): void;
  progressEveryMs: number;
}

interface Following {
  store?: RendezvousStore;
  reader?: JobReader;
  said: string;
}

/** One look: undefined while still waiting (and `following.said` says why). */
async function look(choice: RendezvousChoice, following: Following, report: WaitReporting): Promise<WaitOutcome | undefined> {
  following.store ??= await openStore(choice.location, choice.job, { writer: false, sharedGid: choice.sharedGid, warn: (message) => report.progress(`warning: ${message}`) });
  const store = following.store;
  const attempt = choice.attempt?.attempt ?? (await currentAttempt(store)).attempt;
  if (attempt === undefined) {
    following.said = "no node has published yet";
    return undefined;
  }
  if (following.reader?.attempt !== attempt) {
    if (following.reader) report.progress(`the job moved on to attempt ${attempt}; following it`);
    following.reader = jobReader(store, choice.job, attempt, (message) => report.progress(`warning: ${message}`));
  }
  await following.reader.read();
  const view = viewJob(following.reader.watch, Date.now(), STALE_MS);
  if (view.kind === "ready") return { kind: "ready", attempt, servers: view.servers, job: view.job };
  if (view.kind === "failed") return { kind: "failed", message: `the job ${choice.job} (attempt ${attempt}) failed: ${view.reason}` };
  following.said = view.progress;
  return undefined;
}

export async function waitForJob(choice: RendezvousChoice, timeoutMs: number, report: WaitReporting): Promise<WaitOutcome> {
  const started = Date.now();
  const forEver = timeoutMs === 0;
  const where = choice.location.kind === "directory" ? `${choice.location.path}/${choice.job}` : describeLocation(choice.location);
  const trouble = storeTroubleReporter(where, forEver ? Number.MAX_SAFE_INTEGER : timeoutMs, report.progress, "berth wait keeps trying until its --timeout");
  const following: Following = { said: "no node has published yet" };
  let lastProgress = started;
  try {
    for (;;) {
      try {
        const outcome = await look(choice, following, report);
        trouble.worked();
        if (outcome) return outcome;
      } catch (error) {
        if (error instanceof StoreRefused) return { kind: "refused", message: error.message };
        following.reader?.trouble();
        const message = error instanceof Error ? error.message : String(error);
        trouble.failed(message);
        following.said = `the rendezvous ${where} cannot be reached: ${message}`;
      }
      const waited = Date.now() - started;
      if (!forEver && waited > timeoutMs) return { kind: "failed", message: `timed out after ${Math.round(timeoutMs / 1000)}s waiting for job ${choice.job}: ${following.said}` };
      if (Date.now() - lastProgress >= report.progressEveryMs) {
        report.progress(`${following.said} (${Math.round(waited / 1000)}s)`);
        lastProgress = Date.now();
      }
      await Bun.sleep(WATCH_MS);
    }
  } finally {
    trouble.close();
    await following.store?.close();
  }
}
