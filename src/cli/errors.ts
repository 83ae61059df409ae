// Errors the command layer throws at the boundary; run-cli.ts turns them into one line and an exit code.
import { EXIT } from "../core/exit.ts";
import type { Issue } from "../core/result.ts";

export class BerthError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Bad usage or bad input: exit 2. */
export class UsageError extends BerthError {
  constructor(message: string) {
    super(EXIT.badInput, message);
  }
}

/** The environment cannot serve (no NVML, not enough GPUs, no free ports): exit 3. */
export class EnvironmentError extends BerthError {
  constructor(message: string) {
    super(EXIT.environment, message);
  }
}

export function usageErrorFromIssues(prefix: string, issues: readonly Issue[]): UsageError {
  const detail = issues.map((issue) => issue.message).join("; ");
  return new UsageError(`${prefix}${detail}`);
}
