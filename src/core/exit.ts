// The exit-code policy in one place (PRODUCT.md; tini's rules for servers and signals): berth's own codes,
// how a child's end becomes a code (the code, or 128 + the signal's number), and a refusal's code.
import type { RefusalClass } from "./refusal.ts";

export const EXIT = {
  ok: 0,
  serverFailed: 1,
  badInput: 2,
  environment: 3,
  /** tini/sh: the command exists but could not be executed. */
  cannotExecute: 126,
  /** tini/sh: the command was not found. */
  notFound: 127,
} as const;

export const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

/** How a child ended: its exit code, or the signal that killed it (an OOM kill is SIGKILL: 137). */
export interface ChildEnd {
  code: number | null;
  signal: string | null;
}

/** The signals that ask berth (and, from a scheduler, its servers with it) to stop. */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"] as const;

export function isStopSignal(signal: string | null): boolean {
  return signal !== null && (STOP_SIGNALS as readonly string[]).includes(signal);
}

export function exitCodeForSignal(signal: number): number {
  return 128 + signal;
}

/** 128 + the signal's number, for a signal given by name ("SIGTERM" → 143). */
export function exitCodeForSignalName(signal: string): number {
  return exitCodeForSignal(SIGNAL_NUMBERS[signal] ?? 0);
}

export function exitCodeOf(end: ChildEnd): number {
  return end.code !== null ? end.code : exitCodeForSignalName(end.signal ?? "");
}

export function describeEnd(end: ChildEnd): string {
  return end.code !== null ? `exited with code ${end.code}` : `was killed by ${end.signal}`;
}

export function exitCodeForRefusal(refusalClass: RefusalClass): number {
  return refusalClass === "bad-input" ? EXIT.badInput : EXIT.environment;
}

/** How a run ended: berth's exit code and why, in words (the `exit` event of `run --json`). */
export interface RunEnd {
  code: number;
  reason: string;
}
