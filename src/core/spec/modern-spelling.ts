// Rewrites AReaL's retired spellings into the current grammar, for "did you mean" hints only.

const BACKEND_DOT = /\b(vllm|sglang|fsdp|megatron|archon)\s*\./g;
// realhf's `m` meant tensor parallelism; it only ever appears right after a number, a ':' or a '.'.
const REALHF_TENSOR = /(^|[\d:.+|\s])m(\d+)/g;

export function modernSpelling(text: string): string {
  return text.replace(BACKEND_DOT, "$1:").replace(REALHF_TENSOR, "$1t$2");
}
