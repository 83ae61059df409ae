// Errors the command layer throws at the boundary; run-cli.ts turns them into one line and their Ending.
// Host and core code never throw these: they return a Refusal, and `orRefuse` is the one translation.
import { ENDED, type Ending } from "../core/exit.ts";
import type { Outcome, Refusal } from "../core/refusal.ts";

export class BerthError extends Error {
  constructor(
    readonly ending: Ending,
    message: string,
  ) {
    super(message);
  }
}

/** Bad usage of the command line itself (a flag, a positional, a config key): exit 2. */
export class UsageError extends BerthError {
  constructor(message: string) {
    super(ENDED["bad-input"], message);
  }
}

/** A refusal from core or host code: it ends berth as its kind says (bad input or the environment). */
export class RefusalError extends BerthError {
  constructor(readonly refusal: Refusal) {
    super(ENDED[refusal.kind], refusal.message);
  }
}

/** The value of a successful outcome, or the refusal thrown for run-cli.ts to print. */
export function orRefuse<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new RefusalError(outcome.refusal);
  return outcome.value;
}

/** --json with a --format other than json: two answers to one question, refused rather than one ignored. */
export function checkJsonAndFormat(options: { json: boolean; format: string }, origins: Record<string, string>): void {
  if (options.json && origins.format !== undefined && options.format !== "json") {
    throw new UsageError(`${origins.json ?? "--json"} and ${origins.format} ${options.format} ask for two formats; pass one`);
  }
}
