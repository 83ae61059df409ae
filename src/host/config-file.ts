// Reads a berth config file (TOML, JSON or YAML, by extension) with Bun's built-in parsers.
// No node:path: this module loads with every command, and node:path costs start-up time for one extname.
const extensionOf = (path: string): string => /\.[^./]+$/.exec(path)?.[0] ?? "";

export interface ConfigFile {
  path: string;
  /** Top-level keys merged with the section named after the command, which wins. */
  values: Record<string, unknown>;
}

const PARSERS: Record<string, (text: string) => unknown> = {
  ".toml": (text) => Bun.TOML.parse(text),
  ".json": (text) => JSON.parse(text),
  ".yaml": (text) => Bun.YAML.parse(text),
  ".yml": (text) => Bun.YAML.parse(text),
};

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export async function readConfigFile(path: string, command: string): Promise<{ ok: true; config: ConfigFile } | { ok: false; message: string }> {
  const parse = PARSERS[extensionOf(path).toLowerCase()];
  if (!parse) return { ok: false, message: `config file ${path}: unknown extension; expected .toml, .json, .yaml or .yml` };
  const file = Bun.file(path);
  if (!(await file.exists())) return { ok: false, message: `config file ${path} does not exist` };
  let data: unknown;
  try {
    data = parse(await file.text());
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, message: `config file ${path} could not be parsed: ${reason}` };
  }
  if (!isTable(data)) return { ok: false, message: `config file ${path} must hold a table of settings at the top level` };
  const section = data[command];
  const values = { ...data, ...(isTable(section) ? section : {}) };
  return { ok: true, config: { path, values } };
}
