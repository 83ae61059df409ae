// The live view's messages on a terminal: consola's badges and colours, written through berth's own
// synchronous output. Loaded only for a terminal: with --json or off a TTY, consola is never imported (it
// alone cost ~1.1× a hello-world start).
import { createConsola } from "consola/basic";
import type { Io } from "../io.ts";

export interface TerminalLogger {
  error(text: string): void;
  warn(text: string): void;
  success(text: string): void;
}

export function terminalLogger(io: Io): TerminalLogger {
  // consola types its streams as NodeJS.WriteStream but only ever calls write().
  const stream = (write: (text: string) => void) => ({ write }) as unknown as NodeJS.WriteStream;
  return createConsola({ formatOptions: { date: false }, stdout: stream(io.stdout), stderr: stream(io.stderr) });
}
