// Colour is for people at a terminal: text headed for a pipe or a file, or for anyone who set NO_COLOR
// (no-color.org), goes without escape codes.
import type { Io } from "../io.ts";

const SGR_SEQUENCE = /\x1b\[[0-9;]*m/g;

export function stripColour(text: string): string {
  return text.replace(SGR_SEQUENCE, "");
}

export function wantsColour(io: Pick<Io, "isTTY" | "env">): boolean {
  return io.isTTY && (io.env.NO_COLOR ?? "") === "";
}
