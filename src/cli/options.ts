// One table of options per command feeds --help, the BERTH_* variables and validation:
// flags win over BERTH_* variables, which win over the config file, which wins over defaults.
import * as v from "valibot";
import type { OptionDef } from "./option-kinds.ts";
import { UsageError } from "./errors.ts";
import type { ConfigFile } from "../host/config-file.ts";

export type OptionTable = Record<string, OptionDef<any>>; // any: each entry has its own value type

export type ResolvedOptions<Table extends OptionTable> = {
  [Key in keyof Table]: Table[Key] extends { default: infer T } ? T : Table[Key] extends OptionDef<infer T> ? T | undefined : never;
};

export const kebabCase = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
export const envName = (name: string): string => `BERTH_${kebabCase(name).replaceAll("-", "_").toUpperCase()}`;
/** An option's BERTH_* twin: its own `env`, else the name derived from the option's. */
export const twinName = (name: string, def: OptionDef<unknown>): string => def.env ?? envName(name);

export interface OptionSources {
  /** Flag values as argv.ts parsed them (kebab-case keys). */
  flags: Record<string, unknown>;
  /** How each flag was typed, for messages; defaults to its long form. */
  spelling?: Record<string, string>;
  env: Record<string, string | undefined>;
  config?: ConfigFile;
}

/** A list of plain values (YAML `health-path: [/health, /v1/models]`) is what a flag would say with commas. */
function configText(value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return value.join(",");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The config's key for an option, in whichever spelling it uses; two spellings of one option are refused. */
function configKey(config: ConfigFile | undefined, name: string): string | undefined {
  if (!config) return undefined;
  const spellings = [...new Set([name, kebabCase(name), kebabCase(name).replaceAll("-", "_")])];
  const present = spellings.filter((key) => config.values[key] !== undefined && config.values[key] !== null);
  if (present.length > 1) throw new UsageError(`config file ${config.path}: keys '${present.join("' and '")}' both set --${kebabCase(name)}; keep one`);
  return present[0];
}

/** Every option of `table` set once at most in the config file, whichever spelling it uses. */
export function checkConfigSpellings(config: ConfigFile, table: OptionTable): void {
  for (const name of Object.keys(table)) configKey(config, name);
}

function configValue(config: ConfigFile | undefined, name: string): { text: string; key: string } | undefined {
  const key = configKey(config, name);
  return key === undefined ? undefined : { text: configText(config!.values[key]), key };
}

function describeValue(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** Every value of a repeatable option, from the first source that has any: flags, its variable (a value per line), the config (a list or one value). */
function repeatedValues(name: string, def: OptionDef<unknown>, sources: OptionSources): { texts: string[]; origin: string } | undefined {
  const flag = sources.flags[kebabCase(name)];
  if (Array.isArray(flag)) return { texts: flag.map(String), origin: sources.spelling?.[kebabCase(name)] ?? `--${kebabCase(name)}` };
  const variable = sources.env[twinName(name, def)];
  if (variable !== undefined) return { texts: variable.split("\n").filter((line) => line.trim() !== ""), origin: twinName(name, def) };
  const key = configKey(sources.config, name);
  if (key === undefined) return undefined;
  const value = sources.config!.values[key];
  return { texts: (Array.isArray(value) ? value : [value]).map(String), origin: `${sources.config!.path} key '${key}'` };
}

function resolveRepeatable(name: string, def: OptionDef<unknown>, sources: OptionSources, origins?: Record<string, string>): unknown[] {
  const found = repeatedValues(name, def, sources);
  if (!found) return (def.default as unknown[] | undefined) ?? [];
  const values: unknown[] = [];
  for (const text of found.texts) {
    const parsed = v.safeParse(def.schema, text);
    if (!parsed.success) throw new UsageError(`bad value ${describeValue(text)} for ${found.origin}; expected ${def.accepted}`);
    values.push(...(parsed.output as unknown[]));
  }
  if (origins) origins[name] = found.origin;
  return values;
}

/** `origins` (when given) learns where each set value came from: "--nodes", "BERTH_NNODES", a config key. */
export function resolveOptions<Table extends OptionTable>(table: Table, sources: OptionSources, origins?: Record<string, string>): ResolvedOptions<Table> {
  const resolved: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(table)) {
    if (def.repeatable) {
      resolved[name] = resolveRepeatable(name, def, sources, origins);
      continue;
    }
    const flag = sources.flags[kebabCase(name)];
    let text: string | undefined;
    let origin = "";
    if (flag !== undefined && flag !== false) {
      text = flag === true ? "true" : String(flag);
      origin = sources.spelling?.[kebabCase(name)] ?? `--${kebabCase(name)}`;
    } else if (flag === false && def.kind === "boolean") {
      text = "false";
      origin = `--no-${kebabCase(name)}`;
    } else if (sources.env[twinName(name, def)] !== undefined) {
      text = sources.env[twinName(name, def)];
      origin = twinName(name, def);
    } else {
      const fromConfig = configValue(sources.config, name);
      if (fromConfig) {
        text = fromConfig.text;
        origin = `${sources.config!.path} key '${fromConfig.key}'`;
      }
    }
    if (text === undefined) {
      resolved[name] = def.default;
      continue;
    }
    const parsed = v.safeParse(def.schema, text);
    if (!parsed.success) throw new UsageError(`bad value ${describeValue(text)} for ${origin}; expected ${def.accepted}`);
    resolved[name] = parsed.output;
    if (origins) origins[name] = origin;
  }
  return resolved as ResolvedOptions<Table>;
}
