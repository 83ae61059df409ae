// Where cgroup v2 is mounted (/proc/self/mountinfo) and which cgroup a process is in (/proc/self/cgroup's
// "0::" line), parsed. On a hybrid host (cgroup v1 controllers beside a v2 tree at /sys/fs/cgroup/unified)
// the v2 mount is the one whose filesystem type is cgroup2.

/** The mount point of the first cgroup2 filesystem, or undefined. */
export function parseCgroupV2Mount(mountinfo: string): string | undefined {
  for (const line of mountinfo.split("\n")) {
    const [before, after] = line.split(" - ");
    if (!before || !after || !after.startsWith("cgroup2 ")) continue;
    const mountPoint = before.split(" ")[4];
    if (mountPoint) return mountPoint.replace(/\\040/g, " ");
  }
  return undefined;
}

/** The v2 cgroup path ("/user.slice/...", "/" at the root), or undefined on a v1-only host. */
export function parseOwnCgroup(text: string): string | undefined {
  const line = text.split("\n").find((entry) => entry.startsWith("0::"));
  return line === undefined ? undefined : line.slice(3).trim() || "/";
}
