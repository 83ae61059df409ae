// What berth tells its guardian (host/supervise/tree-guardian.ts), one line each: "+PGID" guard this
// process group, "-PGID" stop guarding it, "@PATH" the servers' cgroup, "dismiss" exit quietly. End of input
// without "dismiss" means berth died: SIGKILL every guarded group, then everything in the cgroup (a grandchild
// in a session of its own too) through cgroup.kill, and remove the cgroup once it is empty. The guardian
// ignores the stop signals so that a job-wide SIGTERM cannot take it before berth's death has been seen.
export const GUARDIAN_SCRIPT = `trap '' TERM INT HUP QUIT
groups=
cgroup=
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) kept=; for g in $groups; do [ "$g" = "\${line#-}" ] || kept="$kept $g"; done; groups=$kept ;;
    @*) cgroup=\${line#@} ;;
    dismiss) exit 0 ;;
  esac
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done
if [ -n "$cgroup" ]; then
  echo 1 > "$cgroup/cgroup.kill" 2>/dev/null || for p in $(cat "$cgroup/cgroup.procs" 2>/dev/null); do kill -s KILL "$p" 2>/dev/null; done
  i=0; while [ $i -lt 100 ] && ! rmdir "$cgroup" 2>/dev/null; do sleep 0.05; i=$((i+1)); done
fi
exit 0`;

export type GuardianMessage = { guard: number } | { release: number } | { cgroup: string } | "dismiss";

export function guardianLine(message: GuardianMessage): string {
  if (message === "dismiss") return "dismiss\n";
  if ("guard" in message) return `+${message.guard}\n`;
  if ("cgroup" in message) return `@${message.cgroup}\n`;
  return `-${message.release}\n`;
}
