// --rendezvous and what goes with it, for `berth run` and `berth wait`: where the job's nodes meet, the job's
// name, its attempt, the grace for an unreachable store, and a group the store is shared with on purpose.
import { durationOption, stringOption } from "./option-kinds.ts";
import { UsageError } from "./errors.ts";
import type { RendezvousChoice } from "../core/rendezvous/location.ts";

export const RENDEZVOUS_GRACE_DEFAULT_MS = 60_000;

export const RENDEZVOUS_OPTIONS = {
  rendezvous: stringOption({ description: "Where the job's nodes meet: a shared directory (/shared/x, file:///shared/x) or etcd://host:port", valueHint: "URL" }),
  job: stringOption({ description: "The job's name in the rendezvous", valueHint: "NAME", defaultHint: "SLURM_JOB_ID, else the LeaderWorkerSet group" }),
  attempt: stringOption({ description: "This launch's attempt of the job; an earlier attempt's records never count", valueHint: "NAME", defaultHint: "from Slurm (its job id and restart count), else the rendezvous's current attempt while a node of it lives, else a new one" }),
  rendezvousGrace: durationOption({ description: "How long the rendezvous may be unreachable (or unwritable) before berth gives up (exit 3; 0: no limit); meanwhile the servers keep running", default: RENDEZVOUS_GRACE_DEFAULT_MS }),
  rendezvousGroup: stringOption({ description: "Share a directory rendezvous with this Unix group on purpose: the job's directory is the group's (setgid, group-writable) and group members' records count", valueHint: "GROUP", defaultHint: "private: this user's own, 0700" }),
};

type RendezvousValues = { rendezvous?: string; job?: string; attempt?: string; rendezvousGrace: number; rendezvousGroup?: string };

/** The options checked (exit 2 on a bad value); undefined without --rendezvous (then none of the others may be given). */
export async function rendezvousChoice(options: RendezvousValues, origins: Record<string, string>, env: Record<string, string | undefined>, command: string): Promise<RendezvousChoice | undefined> {
  if (options.rendezvous === undefined) {
    const stray = (["job", "attempt", "rendezvousGroup"] as const).find((name) => options[name] !== undefined) ?? (origins.rendezvousGrace ? "rendezvousGrace" : undefined);
    if (stray) throw new UsageError(`${origins[stray]} needs --rendezvous`);
    return undefined;
  }
  const [{ jobName, parseRendezvous }, { attemptFromEnvironment }] = await Promise.all([import("../core/rendezvous/location.ts"), import("../core/rendezvous/attempt.ts")]);
  const location = parseRendezvous(options.rendezvous, origins.rendezvous ?? "--rendezvous");
  if (!location.ok) throw new UsageError(location.message);
  const job = jobName({ value: options.job, origin: origins.job }, env);
  if (!job.ok) throw new UsageError(job.message.replace("--rendezvous needs", `${command} needs`));
  const attempt = attemptFromEnvironment({ value: options.attempt, origin: origins.attempt }, env);
  if (!attempt.ok) throw new UsageError(attempt.message);
  let sharedGid: number | undefined;
  if (options.rendezvousGroup !== undefined) {
    if (location.location.kind !== "directory") throw new UsageError(`${origins.rendezvousGroup} applies to a directory rendezvous; an etcd one is shared through etcd's own users`);
    const [{ sharedGroupId }, { groupText }] = await Promise.all([import("../core/rendezvous/shared-group.ts"), import("../host/process/passwd.ts")]);
    const group = sharedGroupId(options.rendezvousGroup, origins.rendezvousGroup ?? "--rendezvous-group", groupText());
    if (!group.ok) throw new UsageError(group.message);
    sharedGid = group.gid;
  }
  // 0 means no limit, as for every duration berth takes as a limit.
  const graceMs = options.rendezvousGrace === 0 ? Number.MAX_SAFE_INTEGER : options.rendezvousGrace;
  return { location: location.location, job: job.name, attempt: attempt.source, graceMs, sharedGid };
}
