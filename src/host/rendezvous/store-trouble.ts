// A store that cannot be reached, said in berth's own words: once when it starts, every 10 s while it lasts
// (with how long it has lasted), once when it ends; and a verdict once it has lasted past the grace.
export const TROUBLE_REPORT_EVERY_MS = 10_000;

export interface StoreTrouble {
  /** A read or write failed: the verdict (one line) once the trouble has lasted past the grace, else undefined. */
  failed(message: string): string | undefined;
  worked(): void;
  close(): void;
}

/** `keptUp`: what goes on meanwhile ("the servers keep running", "berth wait keeps trying"). */
export function storeTroubleReporter(where: string, graceMs: number, say: (text: string) => void, keptUp = "the servers keep running"): StoreTrouble {
  let since: number | undefined;
  let lastSaid = 0;
  let closed = false;
  const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;
  const forever = graceMs >= Number.MAX_SAFE_INTEGER; // a grace or timeout of 0: no limit
  return {
    failed(message) {
      const now = Date.now();
      if (since === undefined) {
        since = now;
        lastSaid = now;
        if (!closed) say(`cannot reach the rendezvous ${where}: ${message}; ${keptUp}, retrying ${forever ? "until it is back" : `for up to ${seconds(graceMs)}`}`);
      } else if (now - lastSaid >= TROUBLE_REPORT_EVERY_MS && !closed) {
        lastSaid = now;
        say(`still cannot reach the rendezvous ${where} after ${seconds(now - since)}: ${message}; ${keptUp}${forever ? "" : `, giving up in ${seconds(Math.max(0, graceMs - (now - since)))}`}`);
      }
      return now - since > graceMs ? `the rendezvous ${where} was unreachable for ${seconds(now - since)}, past its grace of ${seconds(graceMs)}: ${message}` : undefined;
    },
    worked() {
      if (since === undefined) return;
      if (!closed) say(`the rendezvous ${where} is reachable again after ${seconds(Date.now() - since)}`);
      since = undefined;
    },
    close() {
      closed = true;
    },
  };
}
