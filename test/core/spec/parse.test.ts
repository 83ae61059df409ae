import { describe, expect, test } from "bun:test";
import { readSpec } from "../../../src/core/spec/index.ts";
import type { Component } from "../../../src/core/spec/ast.ts";
import { gpuCount } from "../../../src/core/spec/gpu-count.ts";

/** A compact description of a parsed spec: groups joined by " + ", members by " | ". */
function summarize(text: string): string {
  const result = readSpec(text);
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join("; "));
  const describe = (component: Component): string => {
    const name = component.name ? `[${component.name}]` : "";
    switch (component.kind) {
      case "inference":
        return `${component.backend}${name} d${component.dp}t${component.tp}p${component.pp}`;
      case "training":
        return `${component.backend}${name} ${Object.entries(component.dims).map(([letter, value]) => `${letter}${value}`).join("")} =${gpuCount(component)}`;
      case "hybrid":
        return `${component.backend}${name} attn ${JSON.stringify(component.attn)} ffn ${JSON.stringify(component.ffn)} =${gpuCount(component)}`;
      case "eval":
        return "eval";
    }
  };
  return result.value.groups.map((group) => group.members.map(describe).join(" | ")).join(" + ");
}

describe("every form in reference/areal-launcher.md parses", () => {
  test.each([
    ["vllm:d12p1t1+d4p1t1", "vllm d12t1p1 + auto d4p1t1 =4"],
    ["sglang:d4+d4", "sglang d4t1p1 + auto d4 =4"],
    ["vllm:d4+[actor]:d4", "vllm d4t1p1 + auto[actor] d4 =4"],
    ["sglang:d4p1t2+fsdp:d8", "sglang d4t2p1 + fsdp d8 =8"],
    ["vllm:d2t4+megatron:d2p2t1", "vllm d2t4p1 + megatron d2p2t1 =4"],
    ["sglang:d4p2t2", "sglang d4t2p2"],
    ["sglang[rollout]:d2+fsdp[actor]:d4|fsdp[critic]:d4", "sglang[rollout] d2t1p1 + fsdp[actor] d4 =4 | fsdp[critic] d4 =4"],
    [
      "vllm[rollout1]:d2t2 + fsdp[actor1]:d4 + vllm[rollout2]:d4 + fsdp[actor2]:d4",
      "vllm[rollout1] d2t2p1 + fsdp[actor1] d4 =4 + vllm[rollout2] d4t1p1 + fsdp[actor2] d4 =4",
    ],
    ["sglang:d4p1t1+eval", "sglang d4t1p1 + eval"],
    ["megatron:(attn:d4p2t2c2|ffn:d2p2t4e2)", 'megatron attn {"d":4,"p":2,"t":2,"c":2} ffn {"d":2,"p":2,"t":4,"e":2} =32'],
    ["megatron[actor]:( attn:d1p1t2 | ffn:d1p1t1e2 )", 'megatron[actor] attn {"d":1,"p":1,"t":2} ffn {"d":1,"p":1,"t":1,"e":2} =2'],
    ["archon:d2t2c2", "archon d2t2c2 =8"],
    ["vllm:t2d4", "vllm d4t2p1"],
    ["vllm:p2t4d1", "vllm d1t4p2"],
    ["  vllm : d4 t2  +  fsdp : d8  ", "vllm d4t2p1 + fsdp d8 =8"],
    ["vllm:d4|fsdp:d4", "vllm d4t1p1 | fsdp d4 =4"],
    ["vllm[gen]:d2t2|megatron[train]:d2t2", "vllm[gen] d2t2p1 | megatron[train] d2t2 =4"],
    ["d8", "auto d8 =8"],
    ["megatron:d2p2t2e4", "megatron d2p2t2e4 =8"],
    // AReaL 8b54f78: the bare MoE form, with or without parentheses, is megatron's.
    ["(attn:d4p2t2c2|ffn:d2p2t4e2)", 'megatron attn {"d":4,"p":2,"t":2,"c":2} ffn {"d":2,"p":2,"t":4,"e":2} =32'],
    ["attn:d1p1t2c2|ffn:d1p1t1e4", 'megatron attn {"d":1,"p":1,"t":2,"c":2} ffn {"d":1,"p":1,"t":1,"e":4} =4'],
    ["vllm:d4+attn:d1p1t2c2|ffn:d1p1t1e4", 'vllm d4t1p1 + megatron attn {"d":1,"p":1,"t":2,"c":2} ffn {"d":1,"p":1,"t":1,"e":4} =4'],
    // Current AReaL: archon takes the MoE form too.
    ["archon:(attn:d1p1t2c2|ffn:d1p1t1e4)", 'archon attn {"d":1,"p":1,"t":2,"c":2} ffn {"d":1,"p":1,"t":1,"e":4} =4'],
    ["archon:d4e2", "archon d4e2 =4"],
    ["fsdp[actor]:d4|fsdp[critic]:d4", "fsdp[actor] d4 =4 | fsdp[critic] d4 =4"],
    ["[actor]:d4+[ref]:d4", "auto[actor] d4 =4 + auto[ref] d4 =4"],
  ])("%s", (text, expected) => {
    expect(summarize(text)).toBe(expected);
  });

  test("a repeated dimension keeps AReaL's meaning (last wins) and warns", () => {
    const result = readSpec("vllm:d2d4");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(summarize("vllm:d2d4")).toBe("vllm d4t1p1");
    expect(result.warnings[0]).toContain("'d' given twice");
  });
});

describe("refusals name the column and what was expected", () => {
  test.each([
    ["vllm:d4x1", "column 7: unknown dimension 'x'; expected d, t or p"],
    ["sglang.d4t1", "column 6: the dotted form 'sglang.' is no longer accepted; did you mean sglang:d4t1?"],
    ["sglang.d4p1t1+d4p1t1", "did you mean sglang:d4p1t1+d4p1t1?"],
    ["sglang.d4p1m2+d8p2m1", "did you mean sglang:d4p1t2+d8p2t1?"],
    ["sglang:d4p1m2", "column 11: 'm' is realhf's old spelling of tensor parallelism; did you mean sglang:d4p1t2?"],
    ["vllm:d0", "column 5: d0: sizes must be at least 1"],
    ["vllm:d4t0", "column 7: t0: sizes must be at least 1"],
    ["vllm:d99999999", "sizes must be at most 65536"],
    ["vllm:d65536t16", "needs 1048576 GPUs; at most 65536 are accepted"],
    ["vllm:d", "column 6: expected a number after 'd'"],
    ["vllm:", "column 5: expected dimensions such as d4t2 after ':', found end of spec"],
    ["vllm d4", "column 5: expected ':' after 'vllm', found 'd'"],
    ["vlm:d4", "column 0: unknown backend 'vlm'"],
    ["", "column 0: the spec is empty"],
    ["vllm:d4+", "column 8: expected a component such as vllm:d4t2 or fsdp:d8, found end of spec"],
    ["vllm:d4)", "column 7: expected '+', '|' or the end of the spec, found ')'"],
    ["vllm:d4c2", "column 7: unknown dimension 'c'; expected d, t or p"],
    ["fsdp:d4x2", "unknown dimension 'x'; expected d, p, t, c or e"],
    ["vllm[]:d4", "column 5: expected a component name inside [ ]"],
    ["vllm[a:d4", "column 6: expected ']' to close the name 'a'"],
    ["fsdp:d4p2", "column 0: fsdp does not support pipeline parallelism (p2)"],
    ["vllm[a]:d2+fsdp[a]:d2", "column 11: the name 'a' is already used at column 0; names must be unique"],
    ["vllm:d4|fsdp:d2", "column 8: colocated components must use the same number of GPUs: vllm uses 4, fsdp uses 2"],
    ["vllm:d2+fsdp:d2+vllm[b]:d2", "with 3 or more components each needs a [name]"],
    ["megatron:(attn:d4p2|ffn:d4p1)", "attn and ffn must use the same pipeline size, got attn p2 and ffn p1"],
    ["megatron:(attn:d4|ffn:d2)", "attn uses 4 GPUs (d*c*t*p) but ffn uses 2 (d*t*p*e); they must match"],
    ["fsdp:(attn:d4|ffn:d4)", "column 5: the attn/ffn form is only for megatron and archon, not fsdp"],
    // AReaL's own refusals, with its meaning.
    ["archon:d1p2e2", "column 0: expert model parallel size 4 (p*e) cannot divide world size 2 (d*p*t*c)"],
    ["megatron:d1t2e4", "expert model parallel size 4 (p*e) cannot divide world size 2 (d*p*t*c)"],
    ["fsdp:d2e2", "column 0: fsdp does not support expert parallelism (e2): FSDP supports only data, tensor and context parallelism"],
    ["d4+d4", "column 0: several training components must each have a [name], e.g. [actor]:…; column 3: several training components must each have a [name]"],
    ["vllm:d2+fsdp:d4+[ref]:d4", "column 8: several training components must each have a [name]"],
    ["fsdp:d4|fsdp:d4", "column 0: colocated training components must each have a [name], e.g. fsdp[actor]:…; column 8: colocated training components"],
    ["fsdp[actor]:d4|fsdp:d4", "column 15: colocated training components must each have a [name]"],
    ["(attn:d4|ffn:d4", "expected ')' to close the attn/ffn group"],
    ["megatron:(attn:d4)", "column 17: expected '|' between attn and ffn, found ')'"],
    ["megatron:(attn:d4|attn:d4)", "'attn' given twice"],
    ["megatron:(attn:d4|ffn:d4", "expected ')' to close the attn/ffn group, found end of spec"],
    ["megatron:(mlp:d4|ffn:d4)", "column 10: expected 'attn' or 'ffn' inside ( ), found 'mlp'"],
    ["megatron:(attn:d4e2|ffn:d4)", "unknown dimension 'e'; expected d, p, t or c"],
    ["x".repeat(5000), "the spec is 5000 characters; at most 4096 are accepted"],
  ])("%p", (text, expected) => {
    const result = readSpec(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.message).join("; ")).toContain(expected);
  });
});
