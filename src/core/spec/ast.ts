// The allocation spec as plain data, after parsing (parse.ts reads the text; the forms are in the README).

export const TRAINING_BACKENDS = ["fsdp", "megatron", "archon"] as const;

/** An engine the backends' list names as a spec engine (src/core/launch/backends/index.ts: SPEC_ENGINES). */
export type InferenceBackend = string;
/** "auto" is a bare-dimension training component (AReaL 8b54f78 picks FSDP or Megatron itself). */
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number] | "auto";

/** Dimension letters: d data, t tensor, p pipeline, c context, e expert. */
export type Dimensions = Partial<Record<"d" | "t" | "p" | "c" | "e", number>>;

interface ComponentBase {
  name?: string;
  /** Zero-based offset of the component's first character in the spec text. */
  column: number;
}

export interface InferenceComponent extends ComponentBase {
  kind: "inference";
  backend: InferenceBackend;
  /** Number of servers. */
  dp: number;
  tp: number;
  pp: number;
}

export interface TrainingComponent extends ComponentBase {
  kind: "training";
  backend: TrainingBackend;
  dims: Dimensions;
}

/**
 * The MoE form: `megatron:(attn:d4p2t2c2|ffn:d2p2t4e2)`, `archon:(…)` (current AReaL), or bare, with or
 * without parentheses (`attn:d1p1t2c2|ffn:d1p1t1e4`, AReaL 8b54f78), which means megatron.
 */
export interface HybridTrainingComponent extends ComponentBase {
  kind: "hybrid";
  backend: "megatron" | "archon";
  attn: Dimensions;
  ffn: Dimensions;
}

/** AReaL 8b54f78's `+eval`: an evaluation-only trainer that takes no GPUs. */
export interface EvalComponent extends ComponentBase {
  kind: "eval";
}

export type Component = InferenceComponent | TrainingComponent | HybridTrainingComponent | EvalComponent;

/** Components joined by `|` share GPUs; groups joined by `+` get disjoint GPUs. */
export interface ColocationGroup {
  members: Component[];
}

export interface Spec {
  text: string;
  groups: ColocationGroup[];
}
