// What berth tells its guardian (host/supervise/tree-guardian.ts), one line each: "+PGID" guard this
// process group, "-PGID" stop guarding it, "dismiss" exit quietly. End of input without "dismiss" means berth
// died: SIGKILL every guarded group. The guardian ignores the stop signals so that a job-wide SIGTERM cannot
// take it before berth's death has been seen.
export const GUARDIAN_SCRIPT = `trap '' TERM INT HUP QUIT
groups=
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) kept=; for g in $groups; do [ "$g" = "\${line#-}" ] || kept="$kept $g"; done; groups=$kept ;;
    dismiss) exit 0 ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
exit 0`;

export type GuardianMessage = { guard: number } | { release: number } | "dismiss";

export function guardianLine(message: GuardianMessage): string {
  if (message === "dismiss") return "dismiss\n";
  if ("guard" in message) return `+${message.guard}\n`;
  return `-${message.release}\n`;
}
