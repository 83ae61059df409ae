// Why berth ends, and the exit status each reason gives: the whole exit-status policy in one file
// (PRODUCT.md; tini's rules for servers and signals). Everywhere else an end is data, an `Ending`; only
// `exitStatus` turns one into a number, and only main (and the two places that report a status before
// berth exits: the run's `exit` event and its node record) call it. test/architecture.test.ts holds that.
//
// Which exit status does an OOM-killed server give? The kernel kills it with SIGKILL; its end ends the run
// as a `server-ended`; the table below gives 128 + 9 = 137.

/** How a child ended: its exit code, or the signal that killed it (an OOM kill is SIGKILL). */
export interface ChildEnd {
  code: number | null;
  signal: string | null;
}

export type Ending =
  /** Everything went as asked (a --duration that ran out, a command that exited 0). */
  | { kind: "ok" }
  /** A server failed (unhealthy, or exited 0 unasked), or the job failed elsewhere. */
  | { kind: "failed" }
  /** What follows from the flags, the spec and the config alone: a clear line names the bad value. */
  | { kind: "bad-input" }
  /** What the host contributes cannot serve: its GPUs, its ports (a stranger serving one), its stores, its files. */
  | { kind: "environment" }
  /** The command exists but could not be executed (tini, sh). */
  | { kind: "cannot-execute" }
  /** The command was not found (tini, sh). */
  | { kind: "not-found" }
  /** A server's own end ended the run: its code C ≠ 0, or 128 + N when signal N killed it. */
  | { kind: "server-ended"; end: ChildEnd }
  /** berth itself was told to stop by this signal: 128 + N, whatever order the servers died in. */
  | { kind: "signalled"; signal: string }
  /** The job stopped because another node did: that node's status, as its record published it. */
  | { kind: "as-node"; status: number };

export type EndingKind = Ending["kind"];

/** The kinds that need nothing but their name, as values (so an end can be said as `ENDED.failed`). */
type PlainKind = Exclude<EndingKind, "server-ended" | "signalled" | "as-node">;
export const ENDED: { readonly [Kind in PlainKind]: { kind: Kind } } = {
  ok: { kind: "ok" },
  failed: { kind: "failed" },
  "bad-input": { kind: "bad-input" },
  environment: { kind: "environment" },
  "cannot-execute": { kind: "cannot-execute" },
  "not-found": { kind: "not-found" },
};

/** The table: each plain kind's status (README, "Exit statuses"). */
const STATUS: { readonly [Kind in PlainKind]: number } = {
  ok: 0,
  failed: 1,
  "bad-input": 2,
  environment: 3,
  "cannot-execute": 126,
  "not-found": 127,
};

/** The one mapper from why berth ends to its exit status. */
export function exitStatus(ending: Ending): number {
  switch (ending.kind) {
    case "server-ended":
      return childStatus(ending.end);
    case "signalled":
      return signalStatus(ending.signal);
    case "as-node":
      // Read from another node's record: only a status a process can have is followed, else it is a failure.
      return Number.isInteger(ending.status) && ending.status >= 0 && ending.status <= 255 ? ending.status : STATUS.failed;
    default:
      return STATUS[ending.kind];
  }
}

export const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

/** The signals that ask berth (and, from a scheduler, its servers with it) to stop. */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const;

export function isStopSignal(signal: string | null): boolean {
  return signal !== null && (STOP_SIGNALS as readonly string[]).includes(signal);
}

/** What a shell reports for a process that died of this signal: 128 + its number ("SIGTERM" → 143). */
export function signalStatus(signal: string): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
}

/** How a child ended, as a shell reports it: its code, or 128 + N (the manifest's and metrics' number). */
export function childStatus(end: ChildEnd): number {
  return end.code !== null ? end.code : signalStatus(end.signal ?? "");
}

export function describeEnd(end: ChildEnd): string {
  return end.code !== null ? `exited with code ${end.code}` : `was killed by ${end.signal}`;
}

/** How a run ended: why, as data, and in words (the `exit` event of `run --json`). */
export interface RunEnd {
  ending: Ending;
  reason: string;
}
