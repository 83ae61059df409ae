// Splits raw arguments and refuses flags a command does not know (citty itself accepts anything).
import { UsageError } from "./errors.ts";
import { kebabCase, type OptionTable } from "./options.ts";

export interface SplitArguments {
  /** Arguments before `--`. */
  own: string[];
  /** Arguments after `--`, untouched. */
  passthrough: string[];
  sawSeparator: boolean;
}

export function splitAtSeparator(rawArgs: readonly string[]): SplitArguments {
  const separator = rawArgs.indexOf("--");
  if (separator === -1) return { own: [...rawArgs], passthrough: [], sawSeparator: false };
  return { own: rawArgs.slice(0, separator), passthrough: rawArgs.slice(separator + 1), sawSeparator: true };
}

export function wantsHelp(own: readonly string[]): boolean {
  return own.includes("--help") || own.includes("-h");
}

export interface ParsedArguments {
  /** Flag values by kebab-case name: text for value flags, true/false for booleans, every text for repeatable ones. */
  flags: Record<string, string | boolean | string[]>;
  /** How each flag was spelled (`-n` for --count), so errors name what the user typed. */
  spelling: Record<string, string>;
  positionals: string[];
}

/** Reads flags strictly: an unknown flag or a missing value is a UsageError naming it. */
export function parseArguments(own: readonly string[], table: OptionTable, commandName: string): ParsedArguments {
  const valueFlags = new Set<string>();
  const booleanFlags = new Set<string>();
  const repeatable = new Set<string>();
  const aliases = new Map<string, string>();
  for (const [name, def] of Object.entries(table)) {
    (def.kind === "boolean" ? booleanFlags : valueFlags).add(kebabCase(name));
    if (def.repeatable) repeatable.add(kebabCase(name));
    if (def.alias) aliases.set(def.alias, kebabCase(name));
  }
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | string[]> = {};
  const setValue = (name: string, value: string) => {
    flags[name] = repeatable.has(name) ? [...((flags[name] as string[] | undefined) ?? []), value] : value;
  };
  const spelling: Record<string, string> = {};
  for (let index = 0; index < own.length; index++) {
    const argument = own[index]!;
    if (!argument.startsWith("-") || argument === "-" || /^-\d/.test(argument)) {
      positionals.push(argument);
      continue;
    }
    const bare = argument.replace(/^--?/, "").split("=")[0]!;
    const name = argument.startsWith("--") ? bare : (aliases.get(bare) ?? `-${bare}`);
    const isBoolean = booleanFlags.has(name) || (name.startsWith("no-") && booleanFlags.has(name.slice(3)));
    if (!isBoolean && !valueFlags.has(name)) {
      const known = [...valueFlags, ...booleanFlags].map((flag) => `--${flag}`).join(", ");
      throw new UsageError(`unknown option ${argument} for 'berth ${commandName}'; accepted: ${known} (see berth ${commandName} --help)`);
    }
    const inlineValue = argument.includes("=") ? argument.slice(argument.indexOf("=") + 1) : undefined;
    spelling[name.startsWith("no-") && !booleanFlags.has(name) ? name.slice(3) : name] = argument.split("=")[0]!;
    if (isBoolean) {
      const negated = !booleanFlags.has(name);
      flags[negated ? name.slice(3) : name] = inlineValue === undefined ? !negated : inlineValue;
      continue;
    }
    if (inlineValue !== undefined) {
      setValue(name, inlineValue);
      continue;
    }
    if (index + 1 >= own.length) throw new UsageError(`option ${argument} needs a value (see berth ${commandName} --help)`);
    setValue(name, own[++index]!);
  }
  return { flags, spelling, positionals };
}
