#!/usr/bin/env bun
import { COMMANDS } from "./cli/commands.ts";
import { processIo } from "./cli/io.ts";
import { runCli } from "./cli/run-cli.ts";
import { exitStatus } from "./core/exit.ts";

// Why berth ends is data until here: this is where it becomes the exit status (core/exit.ts has the table).
process.exitCode = exitStatus(await runCli(process.argv.slice(2), COMMANDS, processIo()));
