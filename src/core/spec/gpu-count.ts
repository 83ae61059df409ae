// How many GPUs a component occupies, with AReaL's meaning: world = d*c*t*p; e adds none.
import type { Component, Dimensions } from "./ast.ts";

export function trainingWorldSize(dims: Dimensions): number {
  return (dims.d ?? 1) * (dims.c ?? 1) * (dims.t ?? 1) * (dims.p ?? 1);
}

/** The MoE ffn side spreads experts across e, so its world is d*t*p*e. */
export function ffnWorldSize(dims: Dimensions): number {
  return (dims.d ?? 1) * (dims.t ?? 1) * (dims.p ?? 1) * (dims.e ?? 1);
}

export function gpuCount(component: Component): number {
  switch (component.kind) {
    case "inference":
      return component.dp * component.tp * component.pp;
    case "training":
      return trainingWorldSize(component.dims);
    case "hybrid":
      return trainingWorldSize(component.attn);
    case "eval":
      return 0;
  }
}

export function describeComponent(component: Component): string {
  const label = component.kind === "eval" ? "eval" : component.backend === "auto" ? "training" : component.backend;
  return component.name ? `${label}[${component.name}]` : label;
}
