#!/usr/bin/env bun
import { COMMANDS } from "./cli/commands.ts";
import { processIo } from "./cli/io.ts";
import { runCli } from "./cli/run-cli.ts";

// No top-level await: the compiled binary is built with --bytecode, which needs a CommonJS-shaped entry.
void runCli(process.argv.slice(2), COMMANDS, processIo()).then((code) => {
  process.exitCode = code;
});
