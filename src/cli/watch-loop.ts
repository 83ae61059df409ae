// `--watch`: the same view again every so often until Ctrl-C (or SIGTERM), which ends it with exit 0: the
// user asked for it to end. On a terminal each view replaces the last; on a pipe views follow each other,
// one JSON document per line with --json.
import { ENDED, type Ending } from "../core/exit.ts";
import type { Io } from "./io.ts";
import { SCHEMA_VERSION } from "../core/schema-version.ts";

export interface Snapshot {
  json(): object;
  text(): string;
  /** The exit status a single look would give (status --job: 1 when the job failed). */
  /** Why a single look ends berth (a failed job: failed); absent: ok. */
  ending?: Ending;
}

const CLEAR = "\x1b[H\x1b[2J";

export async function watchEvery(io: Io, everyMs: number, json: boolean, snapshot: () => Promise<Snapshot>): Promise<Ending> {
  const stop = new AbortController();
  const end = () => stop.abort();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, end);
  try {
    while (!stop.signal.aborted) {
      const view = await snapshot();
      if (json) io.stdout(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, time: new Date().toISOString(), ...view.json() })}\n`);
      else if (io.isTTY) io.stdout(`${CLEAR}${new Date().toLocaleTimeString()}  every ${everyMs / 1000}s, Ctrl-C to stop\n\n${view.text()}`);
      else io.stdout(`--- ${new Date().toISOString()}\n${view.text()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, everyMs);
        stop.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
    return ENDED.ok;
  } finally {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, end);
  }
}
