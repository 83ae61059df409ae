// The core never throws for bad input: it returns issues, and the command layer decides the exit code.

export interface Issue {
  /** A stable machine-readable kind, e.g. "spec.unknown-dimension". */
  code: string;
  /** One line a user can act on. */
  message: string;
  /** Zero-based offset into the spec text, where the issue is about a spec. */
  column?: number;
}

export type Result<T> = { ok: true; value: T; warnings: string[] } | { ok: false; issues: Issue[] };

export function ok<T>(value: T, warnings: string[] = []): Result<T> {
  return { ok: true, value, warnings };
}

export function fail<T>(...issues: Issue[]): Result<T> {
  return { ok: false, issues };
}
