// `berth version`: which berth this is, for bug reports and for checking a rollout (version, commit,
// build date, and the target it was built for, which says its libc).
import { ENDED } from "../core/exit.ts";
import { defineBerthCommand } from "./command.ts";
import { printJson } from "./render/json.ts";
import { BUILD_DATE, BUILD_TARGET, COMMIT, VERSION } from "../version.ts";

/** A glibc build runs on glibc systems (Debian, Ubuntu, RHEL); a -musl build on Alpine. */
function libcOf(target: string): string | null {
  if (target === "source") return null;
  return target.endsWith("-musl") ? "musl" : "glibc";
}

export const versionCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {},
  examples: ["berth version", "berth version --json"],
  async run({ options, io }) {
    const facts = { version: VERSION, commit: COMMIT, buildDate: BUILD_DATE, target: BUILD_TARGET, libc: libcOf(BUILD_TARGET), bun: Bun.version };
    if (options.json) printJson(io, facts);
    else io.stdout(`berth ${VERSION} (commit ${COMMIT}, built ${BUILD_DATE ?? "from source"}, ${BUILD_TARGET}, bun ${Bun.version})\n`);
    return ENDED.ok;
  },
});
