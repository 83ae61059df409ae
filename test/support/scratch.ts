// Preloaded before every test file: all the temporary files a test run makes (its own, and those of the
// berth processes it starts, which inherit TMPDIR) go under one directory that is removed when the run ends.
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const scratch = mkdtempSync(join(tmpdir(), "berth-tests-"));
process.env.TMPDIR = scratch;
// A global hook (registered from the preload): it runs once, after the last test file.
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
