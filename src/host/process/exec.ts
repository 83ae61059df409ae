// Replaces this process with a command (execve), so the command keeps berth's pid, its inherited locks
// and its place under the caller's supervisor. Failures map to 126/127 as in tini and the shell.
import { EXIT, SIGNAL_NUMBERS } from "../../core/exit.ts";
import { execve, resetSignalsForExec } from "../../ffi/libc.ts";
import { ERRNO } from "../../ffi/linux-constants.ts";

export interface ExecFailure {
  exitCode: number;
  message: string;
}

function resolveCommand(command: string, path: string | undefined): string | undefined {
  if (command.includes("/")) return command;
  return Bun.which(command, { PATH: path ?? "/usr/local/bin:/usr/bin:/bin" }) ?? undefined;
}

/** Returns only when the exec failed. */
export function execCommand(argv: readonly string[], environment: Record<string, string | undefined>): ExecFailure {
  const [command] = argv;
  if (command === undefined || command === "") return { exitCode: EXIT.badInput, message: "no command given after --" };
  const path = resolveCommand(command, environment.PATH);
  if (!path) return { exitCode: EXIT.notFound, message: `${command}: command not found in PATH` };
  const entries = Object.entries(environment).flatMap(([key, value]) => (value === undefined ? [] : [`${key}=${value}`]));
  // Bun ignores SIGPIPE and SIGXFSZ for itself; an exec'd program must not inherit that.
  resetSignalsForExec([SIGNAL_NUMBERS.SIGPIPE!, SIGNAL_NUMBERS.SIGXFSZ!]);
  const failure = execve(path, argv, entries);
  if (failure.ok) return { exitCode: EXIT.cannotExecute, message: `${command}: execve returned` };
  const exitCode = failure.errno === ERRNO.ENOENT ? EXIT.notFound : EXIT.cannotExecute;
  return { exitCode, message: `${command}: cannot execute (${failure.name})` };
}
