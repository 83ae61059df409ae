// The live view's messages on a terminal: `berth:` lines like every other berth line, coloured where colour
// is wanted (red for a failure, yellow for a warning, green when all are
// healthy). No logging library: consola's `[success]` tags read as another program's among berth's lines.
import type { Io } from "../io.ts";
import { wantsColour } from "./ansi.ts";

export interface TerminalLogger {
  error(text: string): void;
  warn(text: string): void;
  success(text: string): void;
}

const COLOURS = { error: 31, warn: 33, success: 32 } as const;

export function terminalLogger(io: Io): TerminalLogger {
  const colour = wantsColour(io);
  const say = (kind: keyof typeof COLOURS, text: string) => io.stderr(`berth: ${colour ? `\x1b[${COLOURS[kind]}m${text}\x1b[0m` : text}\n`);
  return {
    error: (text) => say("error", text),
    warn: (text) => say("warn", text),
    success: (text) => say("success", text),
  };
}
