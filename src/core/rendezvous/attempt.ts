// Every launch of a job is an attempt: a Slurm requeue, a re-run under the same --job, a replaced Kubernetes
// Job. An attempt's records live under their own keys, so an earlier attempt's records never satisfy
// `berth wait`, never refuse a new attempt, and are removed by it. The attempt is named by --attempt, else by
// Slurm (the job id and its restart count, the same in every step of one attempt); else it is derived
// through the store: the attempt its current-attempt key names while any of its nodes lives, else a new one.
import * as v from "valibot";

/** Letters, digits, '.', '_' and '-': a store key segment and a file name alike. */
const ATTEMPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface AttemptSource {
  attempt: string;
  /** Where it came from: --attempt, BERTH_ATTEMPT, SLURM_JOB_ID/SLURM_RESTART_COUNT. */
  from: string;
}

/** The attempt the scheduler or the user names; undefined when it is to be derived through the store. */
export function attemptFromEnvironment(flag: { value?: string; origin?: string }, env: Record<string, string | undefined>): { ok: true; source?: AttemptSource } | { ok: false; message: string } {
  if (flag.value !== undefined) {
    const origin = flag.origin ?? "--attempt";
    if (!ATTEMPT_NAME.test(flag.value)) return { ok: false, message: `bad value ${JSON.stringify(flag.value)} for ${origin}; expected letters, digits, '.', '_' or '-' (at most 128), starting with a letter or digit` };
    return { ok: true, source: { attempt: flag.value, from: origin } };
  }
  const job = env.SLURM_JOB_ID;
  if (job === undefined) return { ok: true };
  const restarts = env.SLURM_RESTART_COUNT ?? "0";
  if (!/^\d{1,9}$/.test(restarts)) return { ok: false, message: `bad value ${JSON.stringify(restarts)} for SLURM_RESTART_COUNT; expected a whole number` };
  if (!/^\d{1,20}$/.test(job)) return { ok: false, message: `bad value ${JSON.stringify(job)} for SLURM_JOB_ID as an attempt; expected a whole number (or pass --attempt)` };
  return { ok: true, source: { attempt: `slurm-${job}.${Number(restarts)}`, from: "SLURM_JOB_ID/SLURM_RESTART_COUNT" } };
}

/** A new attempt's name when none is given: when it began, and random digits so two nodes never coincide. */
export function derivedAttemptName(now: Date, randomHex: string): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomHex}`;
}

const CurrentAttemptSchema = v.object({ attempt: v.pipe(v.string(), v.regex(ATTEMPT_NAME)), createdAt: v.number(), by: v.pipe(v.string(), v.maxLength(300)) });
export type CurrentAttempt = v.InferOutput<typeof CurrentAttemptSchema>;

export function parseCurrentAttempt(text: string): CurrentAttempt | undefined {
  try {
    const parsed = v.safeParse(CurrentAttemptSchema, JSON.parse(text));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** The store's keys: the current attempt, then each attempt's node records. */
export const CURRENT_ATTEMPT_KEY = "current-attempt";
export const ATTEMPTS_PREFIX = "attempts/";

export function nodesPrefix(attempt: string): string {
  return `${ATTEMPTS_PREFIX}${attempt}/nodes/`;
}

export function nodeKey(attempt: string, rank: number): string {
  return `${nodesPrefix(attempt)}${rank}`;
}

/** The attempt and rank a node key names; undefined for any other key. */
export function parseNodeKey(key: string): { attempt: string; rank: number } | undefined {
  const match = /^attempts\/([^/]+)\/nodes\/(\d{1,4})$/.exec(key);
  return match ? { attempt: match[1]!, rank: Number(match[2]) } : undefined;
}
