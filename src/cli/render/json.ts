// JSON for people on a terminal (indented) and for programs on a pipe (one compact line). Every document and
// every event line says its schemaVersion first, so a reader can check it before trusting the rest.
import type { Io } from "../io.ts";
import { SCHEMA_VERSION } from "../../core/schema-version.ts";

export function printJson(io: Io, value: object): void {
  io.stdout(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...value }, null, io.isTTY ? 2 : undefined)}\n`);
}

/** One line of a --json event stream (run, demo, exec): always compact, whatever stdout is. */
export function printEvent(io: Io, event: string, fields: object): void {
  io.stdout(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, event, time: new Date().toISOString(), ...fields })}\n`);
}
