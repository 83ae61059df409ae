// Reads a berth config file (TOML, JSON or YAML, by extension) with Bun's built-in parsers. A config holds a
// few dozen settings: anything else is refused with one line before it can hurt (a FIFO that blocks for
// ever, a huge TOML that Bun parses in quadratic time, a self-referencing YAML anchor, deep nesting, NUL).
// No node:path: this module loads with every command, and node:path costs start-up time for one extname.
import { checkConfigValues } from "../core/config-values.ts";

const extensionOf = (path: string): string => /\.[^./]+$/.exec(path)?.[0] ?? "";

/** Far above any real config (2,000 short lines of TOML parse in ~6 ms), far below where parsing gets slow. */
export const CONFIG_MAX_BYTES = 32 << 10;

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

type ConfigRead = { ok: true; config: ConfigFile } | { ok: false; message: string };

async function readText(path: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const file = Bun.file(path);
  if (!(await file.exists())) return { ok: false, message: `config file ${path} does not exist` };
  const stat = await file.stat();
  if (!stat.isFile()) return { ok: false, message: `config file ${path} is not a regular file` };
  if (stat.size > CONFIG_MAX_BYTES) return { ok: false, message: `config file ${path} is ${stat.size} bytes; a berth config is a few settings (at most ${CONFIG_MAX_BYTES} bytes)` };
  return { ok: true, text: await file.text() };
}

export async function readConfigFile(path: string, command: string): Promise<ConfigRead> {
  const parse = PARSERS[extensionOf(path).toLowerCase()];
  if (!parse) return { ok: false, message: `config file ${path}: unknown extension; expected .toml, .json, .yaml or .yml` };
  const read = await readText(path);
  if (!read.ok) return read;
  let data: unknown;
  try {
    data = parse(read.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, message: `config file ${path} could not be parsed: ${reason}` };
  }
  const checked = checkConfigValues(data, command);
  if (!checked.ok) return { ok: false, message: `config file ${path}: ${checked.message}` };
  return { ok: true, config: { path, values: checked.values } };
}
