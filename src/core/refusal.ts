// Why berth will not go on, as data: host code returns an Outcome, and one place in the command layer turns
// a refusal into its line; its kind is an Ending's (core/exit.ts gives the status). The kind follows one
// rule, the same for every command: what follows from the flags and the spec alone is bad input; only what
// the host contributes (its GPUs, its kernel's port settings, ports other programs hold) is the environment.
import type { Issue, IssueCode } from "./result.ts";

export type RefusalKind = "bad-input" | "environment";

export interface Refusal {
  kind: RefusalKind;
  /** One line a user can act on: the value, where it came from, what is accepted. */
  message: string;
  /** It only follows another node of the job, which failed first: not the cause to report. */
  followed?: boolean;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function badInput(message: string): Refusal {
  return { kind: "bad-input", message };
}

export function environmentRefusal(message: string): Refusal {
  return { kind: "environment", message };
}

export function refused<T>(refusal: Refusal): Outcome<T> {
  return { ok: false, refusal };
}

export function succeeded<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/**
 * Issues that say the same thing about different places (every one of 300 components, each at its own
 * column) are said once, with how many more there are: one readable line, not 24,000 characters.
 */
export function groupIssues(messages: readonly string[]): string[] {
  const groups = new Map<string, { first: string; more: number }>();
  for (const message of messages) {
    const shape = message.replace(/\d+/g, "#");
    const group = groups.get(shape);
    if (group) group.more++;
    else groups.set(shape, { first: message, more: 0 });
  }
  return [...groups.values()].map(({ first, more }) => (more === 0 ? first : `${first} (and ${more} more like it)`));
}

/** A value quoted for a one-line message, shortened past `max` characters (a 2,400-character spec, say). */
export function quoted(text: string, max = 100): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}

/** The core's issues (always about what the user wrote) as one bad-input refusal. */
export function refusalFromIssues(prefix: string, issues: readonly Issue[]): Refusal {
  return badInput(`${prefix}${groupIssues(issues.map((issue) => issue.message)).join("; ")}`);
}

/** Where the numbers a plan used came from: the user (flags, BERTH_*, a config file) or this host. */
export interface PlanSources {
  /** NVML's count, not --gpus-per-node. */
  gpusFromHost: boolean;
  /** The kernel's default pool, not --port-pool. */
  poolFromHost: boolean;
}

/** The issues about the port pool; every other plan issue is about GPUs. */
const POOL_ISSUES: ReadonlySet<IssueCode> = new Set<IssueCode>(["plan.pool", "plan.pool-too-small", "plan.port-pool"]);

function isPoolIssue(issue: Issue): boolean {
  return POOL_ISSUES.has(issue.code);
}

/**
 * A spec that does not fit a cluster: the environment when a number the host supplied is what it does not
 * fit (too few of NVML's GPUs, the kernel's pool too small), else bad input: the user's own numbers clash.
 */
export function doesNotFitKind(issues: readonly Issue[], sources: PlanSources): RefusalKind {
  const hostShare = issues.some((issue) => (isPoolIssue(issue) ? sources.poolFromHost : sources.gpusFromHost));
  return hostShare ? "environment" : "bad-input";
}
