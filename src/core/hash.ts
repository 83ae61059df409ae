// FNV-1a, 32 bits, as 8 hex digits: short, stable names for things (a plan's GPU layout, an AReaL subkey),
// the same in every process and on every node.
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
