// JSON for people on a terminal (indented) and for programs on a pipe (one compact line).
import type { Io } from "../io.ts";

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, io.isTTY ? 2 : undefined)}\n`);
}
