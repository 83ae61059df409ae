// How a child's end becomes berth's exit code (tini's rule: the code, or 128 + the signal number).
import { exitCodeForSignal } from "../exit.ts";

export const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19,
  SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28,
  SIGIO: 29, SIGPWR: 30, SIGSYS: 31,
};

export interface ChildEnd {
  code: number | null;
  signal: string | null;
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
