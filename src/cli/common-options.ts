// Options every command has.
import { booleanOption, stringOption } from "./option-kinds.ts";

export const COMMON_OPTIONS = {
  json: booleanOption({ description: "Print machine-readable JSON instead of a table" }),
  config: stringOption({ description: "Read settings from a TOML, JSON or YAML file (flags and BERTH_* variables win)", valueHint: "FILE" }),
};
