// Slurm's hostlist syntax, expanded the way `scontrol show hostnames` does: comma-separated items, each with
// any number of bracket groups of numbers and ranges, zero padding kept, several groups multiplied out
// ("rack[1-2]-node[01-02]" → rack1-node01, rack1-node02, rack2-node01, rack2-node02).

/** The values one bracket group stands for, e.g. "01-03,07" → 01 02 03 07; undefined if malformed. */
function expandGroup(group: string): string[] | undefined {
  const values: string[] = [];
  for (const part of group.split(",")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!match) return undefined;
    const [, low, high = low] = match as unknown as [string, string, string?];
    const width = low.length;
    const [from, to] = [Number(low), Number(high)];
    if (to < from || to - from > 100_000) return undefined;
    for (let value = from; value <= to; value++) values.push(String(value).padStart(width, "0"));
  }
  return values;
}

/** Splits at commas that are not inside brackets. */
function items(list: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < list.length; index++) {
    const char = list[index];
    if (char === "[") depth++;
    else if (char === "]") depth--;
    else if (char === "," && depth === 0) {
      found.push(list.slice(start, index));
      start = index + 1;
    }
  }
  found.push(list.slice(start));
  return found.map((item) => item.trim()).filter(Boolean);
}

function expandItem(item: string): string[] | undefined {
  const open = item.indexOf("[");
  if (open === -1) return /[\]]/.test(item) ? undefined : [item];
  const close = item.indexOf("]", open);
  if (close === -1) return undefined;
  const values = expandGroup(item.slice(open + 1, close));
  const rest = expandItem(item.slice(close + 1));
  if (!values || !rest) return undefined;
  const prefix = item.slice(0, open);
  return values.flatMap((value) => rest.map((tail) => `${prefix}${value}${tail}`));
}

/** Every host of a Slurm hostlist in order, or undefined when the text is not one. */
export function expandHostlist(list: string): string[] | undefined {
  const hosts: string[] = [];
  for (const item of items(list)) {
    const expanded = expandItem(item);
    if (!expanded) return undefined;
    hosts.push(...expanded);
  }
  return hosts;
}
