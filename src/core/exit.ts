// The exit-code policy in one place (PRODUCT.md; tini's rules for servers and signals).

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

export function exitCodeForSignal(signal: number): number {
  return 128 + signal;
}
