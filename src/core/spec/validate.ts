// The semantic refusals AReaL makes after parsing, with its meaning kept; each names the column.
import type { Component, Spec } from "./ast.ts";
import { describeComponent, ffnWorldSize, gpuCount, trainingWorldSize } from "./gpu-count.ts";
import { MAX_COMPONENT_GPUS } from "./limits.ts";
import type { Issue } from "../result.ts";

function issue(code: string, column: number, detail: string): Issue {
  return { code, column, message: `column ${column}: ${detail}` };
}

function componentIssues(component: Component): Issue[] {
  const issues: Issue[] = [];
  const gpus = gpuCount(component);
  if (gpus > MAX_COMPONENT_GPUS) {
    issues.push(issue("spec.huge-size", component.column, `${describeComponent(component)} needs ${gpus} GPUs; at most ${MAX_COMPONENT_GPUS} are accepted`));
  }
  if (component.kind === "training" && component.backend === "fsdp" && (component.dims.p ?? 1) > 1) {
    issues.push(issue("spec.fsdp-pipeline", component.column, `fsdp does not support pipeline parallelism (p${component.dims.p}); use megatron:… or drop p`));
  }
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

  if (components.length >= 3) {
    for (const component of components) {
      if (!component.name && component.kind !== "eval") {
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
