// The semantic refusals AReaL makes after parsing, with its meaning kept; each names the column.
import type { Component, Spec, TrainingComponent } from "./ast.ts";
import { describeComponent, ffnWorldSize, gpuCount, trainingWorldSize } from "./gpu-count.ts";
import { MAX_COMPONENT_GPUS } from "./limits.ts";
import type { Issue, IssueCode } from "../result.ts";

function issue(code: IssueCode, column: number, detail: string): Issue {
  return { code, column, message: `column ${column}: ${detail}` };
}

/** AReaL's rules for a plain training component: what FSDP cannot do, and experts that must fit the world. */
function trainingIssues(component: TrainingComponent): Issue[] {
  const { dims, column } = component;
  const [pipeline, experts] = [dims.p ?? 1, dims.e ?? 1];
  if (component.backend === "fsdp" && pipeline > 1) {
    return [issue("spec.fsdp-pipeline", column, `fsdp does not support pipeline parallelism (p${pipeline}); use megatron:… or drop p`)];
  }
  if (component.backend === "fsdp" && experts > 1) {
    return [issue("spec.fsdp-expert", column, `fsdp does not support expert parallelism (e${experts}): FSDP supports only data, tensor and context parallelism; use megatron:… or archon:…, or drop e`)];
  }
  const world = trainingWorldSize(dims);
  // AReaL: expert model parallel size = p × expert tensor parallel size (1 in this form) × e.
  const expertWorld = pipeline * experts;
  if (experts > 1 && world % expertWorld !== 0) {
    return [issue("spec.expert-world", column, `expert model parallel size ${expertWorld} (p*e) cannot divide world size ${world} (d*p*t*c), as AReaL requires`)];
  }
  return [];
}

/** Training components are told apart by name: AReaL refuses two or more where any is anonymous. */
function anonymousTrainingIssues(spec: Spec): Issue[] {
  const training = spec.groups.flatMap((group) => group.members.filter((member) => member.kind === "training" || member.kind === "hybrid").map((member) => ({ member, colocated: group.members.length > 1 })));
  if (training.length < 2) return [];
  return training
    .filter(({ member }) => !member.name)
    .map(({ member, colocated }) =>
      issue("spec.name-required", member.column, `${colocated ? "colocated" : "several"} training components must each have a [name], e.g. ${member.backend === "auto" ? "" : member.backend}[actor]:…`),
    );
}

function componentIssues(component: Component): Issue[] {
  const issues: Issue[] = [];
  const gpus = gpuCount(component);
  if (gpus > MAX_COMPONENT_GPUS) {
    issues.push(issue("spec.huge-size", component.column, `${describeComponent(component)} needs ${gpus} GPUs; at most ${MAX_COMPONENT_GPUS} are accepted`));
  }
  if (component.kind === "training") issues.push(...trainingIssues(component));
  if (component.kind === "hybrid") {
    const attnPipeline = component.attn.p ?? 1;
    const ffnPipeline = component.ffn.p ?? 1;
    if (attnPipeline !== ffnPipeline) {
      issues.push(issue("spec.hybrid-pipeline", component.column, `attn and ffn must use the same pipeline size, got attn p${attnPipeline} and ffn p${ffnPipeline}`));
    }
    const attnWorld = trainingWorldSize(component.attn);
    const ffnWorld = ffnWorldSize(component.ffn);
    if (attnWorld !== ffnWorld) {
      issues.push(issue("spec.hybrid-world", component.column, `attn uses ${attnWorld} GPUs (d*c*t*p) but ffn uses ${ffnWorld} (d*t*p*e); they must match`));
    }
  }
  return issues;
}

export function validateSpec(spec: Spec): Issue[] {
  const issues: Issue[] = [];
  const components = spec.groups.flatMap((group) => group.members);
  for (const component of components) issues.push(...componentIssues(component));

  const anonymous = anonymousTrainingIssues(spec);
  issues.push(...anonymous);
  const named = new Set(anonymous.map((found) => found.column));
  if (components.length >= 3) {
    for (const component of components) {
      if (!component.name && component.kind !== "eval" && !named.has(component.column)) {
        issues.push(issue("spec.name-required", component.column, `with 3 or more components each needs a [name], e.g. ${describeComponent(component)}[rollout]:…`));
      }
    }
  }

  const firstColumnOfName = new Map<string, number>();
  for (const component of components) {
    if (!component.name) continue;
    const first = firstColumnOfName.get(component.name);
    if (first === undefined) firstColumnOfName.set(component.name, component.column);
    else issues.push(issue("spec.duplicate-name", component.column, `the name '${component.name}' is already used at column ${first}; names must be unique`));
  }

  for (const group of spec.groups) {
    const [first, ...rest] = group.members;
    if (!first) continue;
    for (const member of rest) {
      if (gpuCount(member) !== gpuCount(first)) {
        issues.push(
          issue(
            "spec.colocation-size",
            member.column,
            `colocated components must use the same number of GPUs: ${describeComponent(first)} uses ${gpuCount(first)}, ${describeComponent(member)} uses ${gpuCount(member)}`,
          ),
        );
      }
    }
  }
  return issues;
}
