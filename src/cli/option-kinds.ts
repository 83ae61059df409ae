// Factories for the kinds of option berth accepts; each pairs a valibot schema with words for error messages.
import * as v from "valibot";
import { DURATION_FORMS, formatDuration, parseDuration } from "../core/duration.ts";
import type { PortRange } from "../core/types.ts";

export interface OptionDef<T> {
  description: string;
  kind: "value" | "boolean";
  alias?: string;
  valueHint?: string;
  /** Turns the text from a flag, variable or file into T, or fails. */
  schema: v.GenericSchema<string, T>;
  /** What is accepted, in words, for one-line errors. */
  accepted: string;
  default?: T;
  /** Shown in --help instead of the default's value, when the default is worked out at run time. */
  defaultHint?: string;
  /** The BERTH_* twin, where the derived name is taken (BERTH_SEED and BERTH_SERVER are what berth exports). */
  env?: string;
  /** The only values an enum option takes (shell completion offers them). */
  choices?: readonly string[];
  /** Given more than once, every value counts (T is a list): from flags, a config list, or one per line of its variable. */
  repeatable?: boolean;
}

type Common = { description: string; alias?: string; valueHint?: string; defaultHint?: string; env?: string };
type WithDefault<T> = OptionDef<T> & { default: T };

function define<T>(base: Omit<OptionDef<T>, "default">, fallback: T | undefined): OptionDef<T> {
  return fallback === undefined ? base : { ...base, default: fallback };
}

export function integerOption(options: Common & { min: number; max: number; default: number }): WithDefault<number>;
export function integerOption(options: Common & { min: number; max: number }): OptionDef<number>;
export function integerOption(options: Common & { min: number; max: number; default?: number }): OptionDef<number> {
  const schema = v.pipe(v.string(), v.regex(/^\s*\d+\s*$/), v.transform(Number), v.integer(), v.minValue(options.min), v.maxValue(options.max));
  return define({ ...options, kind: "value", schema, accepted: `a whole number from ${options.min} to ${options.max}` }, options.default);
}

export function stringOption(options: Common & { default: string }): WithDefault<string>;
export function stringOption(options: Common): OptionDef<string>;
export function stringOption(options: Common & { default?: string }): OptionDef<string> {
  return define({ ...options, kind: "value", schema: v.pipe(v.string(), v.minLength(1)), accepted: "a non-empty value" }, options.default);
}

export function enumOption<const T extends string>(options: Common & { choices: readonly T[]; default: T }): WithDefault<T> {
  const schema = v.picklist(options.choices) as v.GenericSchema<string, T>;
  return { valueHint: options.choices.join("|"), ...options, kind: "value", schema, accepted: `one of ${options.choices.join(", ")}` } as WithDefault<T>;
}

const TRUE_WORDS = ["1", "true", "yes", "on"];
const FALSE_WORDS = ["0", "false", "no", "off", ""];

export function booleanOption(options: Common): WithDefault<boolean> {
  const schema = v.pipe(
    v.string(),
    v.transform((text) => text.trim().toLowerCase()),
    v.picklist([...TRUE_WORDS, ...FALSE_WORDS]),
    v.transform((word) => TRUE_WORDS.includes(word)),
  );
  return { ...options, kind: "boolean", schema, accepted: "true or false (also 1/0, yes/no, on/off)", default: false };
}

export function durationOption(options: Common & { default: number }): WithDefault<number> {
  const schema = v.pipe(
    v.string(),
    v.transform((text) => parseDuration(text) ?? -1),
    v.minValue(0),
  );
  return { valueHint: "DURATION", defaultHint: formatDuration(options.default), ...options, kind: "value", schema, accepted: DURATION_FORMS };
}

/** A flag that may be given again and again (`--args rollout=… --args judge=…`): the values in order. */
export function repeatableOption(options: Common): WithDefault<string[]> {
  const schema = v.pipe(v.string(), v.minLength(1), v.transform((text) => [text]));
  return { ...options, kind: "value", repeatable: true, schema, accepted: "a non-empty value", default: [] };
}

/** "LO-HI", both inclusive, within [min, max], low end first. */
export function portRangeOption(options: Common & { min: number; max: number }): OptionDef<PortRange> {
  const schema = v.pipe(
    v.string(),
    v.regex(/^\s*\d+\s*-\s*\d+\s*$/),
    v.transform((text): PortRange => {
      const [first, last] = text.split("-").map(Number);
      return { first: first!, last: last! };
    }),
    v.check((range) => range.first >= options.min && range.last <= options.max && range.first <= range.last),
  );
  return { ...options, kind: "value", valueHint: "LO-HI", schema, accepted: `LO-HI with ${options.min} ≤ LO ≤ HI ≤ ${options.max}` };
}
