#!/usr/bin/env bun
import { COMMANDS } from "./cli/commands.ts";
import { processIo } from "./cli/io.ts";
import { runCli } from "./cli/run-cli.ts";

process.exitCode = await runCli(process.argv.slice(2), COMMANDS, processIo());
