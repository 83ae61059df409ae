// Checks for records read back from places others can write (a rendezvous, the registry): a table of fields
// and what each must be, checked in straight code. Records are checked this way, not with valibot: a job's
// records hold thousands of servers, which every node reads every WATCH_MS and `berth wait` reads at once,
// and a schema walk cost ~7 µs per server in cold code (1,000 servers: 7.5 ms, against 0.6 ms for the JSON).
export type Check = (value: unknown) => boolean;
export type Fields = Record<string, Check>;

export const count: Check = (value) => typeof value === "number" && Number.isInteger(value) && value >= 0;
export const within = (low: number, high: number): Check => (value) => count(value) && (value as number) >= low && (value as number) <= high;
export const text = (max: number): Check => (value) => typeof value === "string" && value.length <= max;
export const oneOf = (...choices: string[]): Check => (value) => typeof value === "string" && choices.includes(value);
export const flag: Check = (value) => typeof value === "boolean";
export const matches = (max: number, form: RegExp): Check => (value) => text(max)(value) && (value === "" || form.test(value as string));

/** The first field that is missing or wrong, as "path: what it should be"; undefined when all are right. */
export function fieldsProblem(value: unknown, required: Fields, optional: Fields = {}, at = ""): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${at || "the record"}: not an object`;
  const fields = value as Record<string, unknown>;
  for (const [name, check] of Object.entries(required)) if (!check(fields[name])) return `${at}${name}: missing or out of range`;
  for (const [name, check] of Object.entries(optional)) if (fields[name] !== undefined && !check(fields[name])) return `${at}${name}: out of range`;
  return undefined;
}


/** JSON read from somewhere others can write: the value, or "not JSON" (one line, never a parser's stack). */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, why: "not JSON" };
  }
}
