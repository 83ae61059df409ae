// Replaces this process with a command (execve), so the command keeps berth's pid, its inherited locks
// and its place under the caller's supervisor. Failures end berth as not-found or cannot-execute (127/126, as
// in tini and the shell).
import { ENDED, SIGNAL_NUMBERS, type Ending } from "../../core/exit.ts";
import { execve, resetSignalsForExec } from "../../ffi/libc.ts";
import { ERRNO } from "../../ffi/linux-constants.ts";

export interface ExecFailure {
  ending: Ending;
  message: string;
}

function resolveCommand(command: string, path: string | undefined): string | undefined {
  if (command.includes("/")) return command;
  return Bun.which(command, { PATH: path ?? "/usr/local/bin:/usr/bin:/bin" }) ?? undefined;
}

/** Returns only when the exec failed. */
export function execCommand(argv: readonly string[], environment: Record<string, string | undefined>): ExecFailure {
  const [command] = argv;
  if (command === undefined || command === "") return { ending: ENDED["bad-input"], message: "no command given after --" };
  const path = resolveCommand(command, environment.PATH);
  if (!path) return { ending: ENDED["not-found"], message: `${command}: command not found in PATH` };
  const entries = Object.entries(environment).flatMap(([key, value]) => (value === undefined ? [] : [`${key}=${value}`]));
  // Bun ignores SIGPIPE and SIGXFSZ for itself; an exec'd program must not inherit that.
  resetSignalsForExec([SIGNAL_NUMBERS.SIGPIPE!, SIGNAL_NUMBERS.SIGXFSZ!]);
  const failure = execve(path, argv, entries);
  if (failure.ok) return { ending: ENDED["cannot-execute"], message: `${command}: execve returned` };
  const ending = failure.errno === ERRNO.ENOENT ? ENDED["not-found"] : ENDED["cannot-execute"];
  return { ending, message: `${command}: cannot execute (${failure.name})` };
}
