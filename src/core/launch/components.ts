// One launch line for a mixed job: settings per component of the spec, by its name (`sglang[judge]:d1` is
// "judge"; an unnamed one is its engine, "vllm"). `--engine-cmd NAME=CMD` and `--args NAME=ARGS` (repeatable;
// ARGS shell-split, added after the common ARGS) and `[components.NAME]` tables in --config (engine_cmd, args,
// backend, env) give each component its own command, arguments, backend and variables. A plain
// `--engine-cmd CMD` still applies to every component.
import type { Spec } from "../spec/ast.ts";
import { BACKEND_NAMES, isBackendName, type BackendName } from "./backends/index.ts";
import { splitCommand } from "./split-command.ts";
import { badInput, refused, succeeded, type Outcome } from "../refusal.ts";

export interface ComponentSettings {
  engineCommand?: string[];
  /** Added after the common ARGS (those after `--`). */
  args: string[];
  backend?: BackendName;
  env: Record<string, string>;
}

export interface ComponentChoices {
  /** `--engine-cmd CMD` without a name: every component's, unless its own says otherwise. */
  engineCommand?: string[];
  byName: Map<string, ComponentSettings>;
}

export interface ComponentInputs {
  engineCmd: readonly string[];
  args: readonly string[];
  /** The config file's `components` table, as parsed (checked here). */
  config?: unknown;
  origins: Record<string, string>;
  configPath?: string;
}

const NAME_FORM = /^[A-Za-z_][\w-]*$/;

/** The names settings may be given for: each inference component's name, else its engine. */
export function componentNames(spec: Spec): string[] {
  const names = spec.groups.flatMap((group) => group.members).flatMap((member) => (member.kind === "inference" ? [member.name ?? member.backend] : []));
  return [...new Set(names)];
}

function settingsFor(choices: Map<string, ComponentSettings>, name: string): ComponentSettings {
  let settings = choices.get(name);
  if (!settings) choices.set(name, (settings = { args: [], env: {} }));
  return settings;
}

type Split = { name: string; value: string } | undefined;

/** "judge=python3 -m x" → judge and the rest, where "judge" names a component; an unknown lower-case name is refused. */
function splitNamed(text: string, names: readonly string[], origin: string): Outcome<Split> {
  const equals = text.indexOf("=");
  const prefix = equals > 0 ? text.slice(0, equals) : "";
  if (names.includes(prefix)) return succeeded({ name: prefix, value: text.slice(equals + 1) });
  if (NAME_FORM.test(prefix) && prefix === prefix.toLowerCase()) {
    return refused(badInput(`bad value ${JSON.stringify(text)} for ${origin}: the spec has no component '${prefix}'; its components are ${names.join(", ")}`));
  }
  return succeeded(undefined);
}

function words(text: string, origin: string, what: string): Outcome<string[]> {
  const split = splitCommand(text);
  if (split === undefined || split.length === 0) return refused(badInput(`bad value ${JSON.stringify(text)} for ${origin}; expected ${what} with balanced quotes`));
  return succeeded(split);
}

function fromFlags(inputs: ComponentInputs, names: readonly string[], choices: ComponentChoices): Outcome<void> {
  const engineOrigin = inputs.origins.engineCmd ?? "--engine-cmd";
  for (const text of inputs.engineCmd) {
    const named = splitNamed(text, names, engineOrigin);
    if (!named.ok) return named;
    const command = words(named.value?.value ?? text, engineOrigin, 'a command, e.g. "python3 -m areal.server"');
    if (!command.ok) return command;
    if (named.value) settingsFor(choices.byName, named.value.name).engineCommand = command.value;
    else choices.engineCommand = command.value;
  }
  const argsOrigin = inputs.origins.args ?? "--args";
  for (const text of inputs.args) {
    const named = splitNamed(text, names, argsOrigin);
    if (!named.ok) return named;
    if (!named.value) return refused(badInput(`bad value ${JSON.stringify(text)} for ${argsOrigin}; expected NAME=ARGS with NAME one of ${names.join(", ")}`));
    const args = splitCommand(named.value.value);
    if (args === undefined) return refused(badInput(`bad value ${JSON.stringify(text)} for ${argsOrigin}; expected arguments with balanced quotes`));
    settingsFor(choices.byName, named.value.name).args.push(...args);
  }
  return succeeded(undefined);
}

const isTable = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function configComponent(name: string, table: Record<string, unknown>, where: string, settings: ComponentSettings): Outcome<void> {
  for (const [key, value] of Object.entries(table)) {
    const at = `${where} key 'components.${name}.${key}'`;
    if (key === "engine_cmd" || key === "engine-cmd" || key === "engineCmd") {
      const command = typeof value === "string" ? words(value, at, "a command") : refused<string[]>(badInput(`${at} must be a command as text`));
      if (!command.ok) return command;
      settings.engineCommand ??= command.value; // a flag given for the same component wins
    } else if (key === "args") {
      const args = typeof value === "string" ? splitCommand(value) : Array.isArray(value) && value.every((item) => typeof item === "string" || typeof item === "number") ? value.map(String) : undefined;
      if (args === undefined) return refused(badInput(`${at} must be arguments as text or a list of them`));
      settings.args.unshift(...args);
    } else if (key === "backend") {
      if (typeof value !== "string" || !isBackendName(value)) return refused(badInput(`bad value ${JSON.stringify(value)} for ${at}; expected one of ${BACKEND_NAMES.join(", ")}`));
      settings.backend = value;
    } else if (key === "env") {
      if (!isTable(value)) return refused(badInput(`${at} must be a table of variables`));
      for (const [variable, text] of Object.entries(value)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable) || (typeof text !== "string" && typeof text !== "number" && typeof text !== "boolean")) return refused(badInput(`${at}: ${JSON.stringify(variable)} must be a variable name with a plain value`));
        settings.env[variable] = String(text);
      }
    } else {
      return refused(badInput(`unknown ${at}; expected engine_cmd, args, backend or env`));
    }
  }
  return succeeded(undefined);
}

function fromConfig(inputs: ComponentInputs, names: readonly string[], choices: ComponentChoices): Outcome<void> {
  if (inputs.config === undefined) return succeeded(undefined);
  const where = `config file ${inputs.configPath ?? ""}`.trim();
  if (!isTable(inputs.config)) return refused(badInput(`${where} key 'components' must hold a table per component ([components.NAME])`));
  for (const [name, table] of Object.entries(inputs.config)) {
    if (!names.includes(name)) return refused(badInput(`${where} key 'components.${name}': the spec has no component '${name}'; its components are ${names.join(", ")}`));
    if (!isTable(table)) return refused(badInput(`${where} key 'components.${name}' must be a table (engine_cmd, args, backend, env)`));
    const done = configComponent(name, table, where, settingsFor(choices.byName, name));
    if (!done.ok) return done;
  }
  return succeeded(undefined);
}

export function componentChoices(spec: Spec, inputs: ComponentInputs): Outcome<ComponentChoices> {
  const names = componentNames(spec);
  const choices: ComponentChoices = { byName: new Map() };
  const flags = fromFlags(inputs, names, choices);
  if (!flags.ok) return flags;
  const config = fromConfig(inputs, names, choices);
  return config.ok ? succeeded(choices) : config;
}
