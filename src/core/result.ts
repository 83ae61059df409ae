// The core never throws for bad input: it returns issues, and the command layer decides the exit code.

/** Every kind of issue the core reports: stable, machine-readable (plan --json prints them), and typed. */
export type IssueCode =
  | "spec.colocation-size" | "spec.duplicate-name" | "spec.empty" | "spec.empty-name" | "spec.expected-colon"
  | "spec.expected-component" | "spec.expert-world" | "spec.fsdp-expert" | "spec.fsdp-pipeline" | "spec.huge-size"
  | "spec.hybrid-backend" | "spec.hybrid-part" | "spec.hybrid-pipeline" | "spec.hybrid-separator" | "spec.hybrid-world"
  | "spec.legacy-dotted" | "spec.legacy-tensor" | "spec.missing-dimensions" | "spec.missing-number" | "spec.name-required"
  | "spec.too-long" | "spec.unclosed-hybrid" | "spec.unclosed-name" | "spec.unexpected" | "spec.unknown-backend"
  | "spec.unknown-dimension" | "spec.zero-size"
  | "plan.gpus-per-node" | "plan.nodes" | "plan.pool" | "plan.pool-too-small" | "plan.port-pool" | "plan.straddle" | "plan.too-many-gpus"
  | "launch.no-command" | "launch.no-leader" | "launch.sglang-uuid" | "launch.unknown-placeholder" | "launch.vllm-uuid"
  | "trainer.no-component" | "trainer.no-port" | "trainer.not-here" | "trainer.which-node";

export interface Issue {
  /** A stable machine-readable kind. */
  code: IssueCode;
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
