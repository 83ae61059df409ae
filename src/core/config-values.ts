// The shape a config file's data must have: a table of settings, each a plain value or a list of plain
// values, plus tables named after commands holding the same. Checked without recursion, two levels deep at
// most, so a self-referencing YAML anchor or 50,000 nested objects are refused rather than overflow the stack.

type Checked = { ok: true; values: Record<string, unknown> } | { ok: false; message: string };

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** Why this setting's value is not acceptable, or undefined. */
function valueProblem(key: string, value: unknown): string | undefined {
  const items = Array.isArray(value) ? value : [value];
  if (!items.every(isPlain)) return `key '${key}' must be a value or a list of values, not a nested table or list`;
  if (items.some((item) => typeof item === "string" && item.includes("\0"))) return `key '${key}' holds a NUL byte`;
  return undefined;
}

/** `[components.NAME]`: a table per component, each of values, lists of values, or one table (env) of values. */
function componentsProblem(value: unknown, prefix: string): string | undefined {
  if (!isTable(value)) return `key '${prefix}components' must hold a table per component ([components.NAME])`;
  for (const [name, component] of Object.entries(value)) {
    if (!isTable(component)) return `key '${prefix}components.${name}' must be a table (engine_cmd, args, backend, env)`;
    for (const [key, setting] of Object.entries(component)) {
      const problem = isTable(setting) ? tableProblem(setting, `${prefix}components.${name}.${key}.`, false) : valueProblem(`${prefix}components.${name}.${key}`, setting);
      if (problem) return problem;
    }
  }
  return undefined;
}

function tableProblem(table: Record<string, unknown>, prefix: string, sectionsAllowed: boolean): string | undefined {
  for (const [key, value] of Object.entries(table)) {
    if (key === "components" && (sectionsAllowed || prefix.split(".").length === 2)) {
      const problem = componentsProblem(value, prefix);
      if (problem) return problem;
      continue;
    }
    if (sectionsAllowed && isTable(value)) {
      const inner = tableProblem(value, `${key}.`, false);
      if (inner) return inner;
      continue;
    }
    const problem = valueProblem(`${prefix}${key}`, value);
    if (problem) return problem;
  }
  return undefined;
}

/** Top-level settings merged with the command's own table, which wins. */
export function checkConfigValues(data: unknown, command: string): Checked {
  if (!isTable(data)) return { ok: false, message: "must hold a table of settings at the top level" };
  const problem = tableProblem(data, "", true);
  if (problem) return { ok: false, message: problem };
  const section = data[command];
  return { ok: true, values: { ...data, ...(isTable(section) ? section : {}) } };
}
