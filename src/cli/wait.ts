// `berth wait`: the trainer's side of a job. Reads the job's rendezvous until every server of its spec is
// healthy, then prints them in global index order; fails at once, with one line, when a server or node of the
// job failed or a node vanished, and when --timeout passes.
import { defineBerthCommand } from "./command.ts";
import { BerthError, UsageError } from "./errors.ts";
import { durationOption, enumOption, stringOption } from "./option-kinds.ts";
import type { Io } from "./io.ts";
import { printJson } from "./render/json.ts";
import { EXIT } from "../core/exit.ts";
import type { ServerRecord } from "../core/rendezvous/node-record.ts";

const PROGRESS_EVERY_MS = 10_000;

function print(io: Io, format: string, servers: readonly ServerRecord[]): void {
  const addresses = servers.map((server) => server.url.replace(/^http:\/\//, ""));
  if (format === "json") {
    printJson(io, { servers: servers.map(({ index, node, url, host, port, state, gpus, ports }) => ({ index, node, url, host, port, state, gpus, ports })) });
  } else if (format === "env") io.stdout(`AREAL_LLM_SERVER_ADDRS=${addresses.join(",")}\n`);
  else io.stdout(servers.map((server) => `${server.url}\n`).join(""));
}

export const waitCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {
    rendezvous: stringOption({ description: "The job's rendezvous: a shared directory (/shared/x, file:///shared/x) or etcd://host:port", valueHint: "URL" }),
    job: stringOption({ description: "The job's name in the rendezvous", valueHint: "NAME", defaultHint: "SLURM_JOB_ID, else the LeaderWorkerSet group" }),
    timeout: durationOption({ description: "Give up after this long (0: wait for ever)", default: 30 * 60_000 }),
    format: enumOption({ description: "How to print the servers: plain (a URL per line), json, or env (AREAL_LLM_SERVER_ADDRS=host:port,…)", choices: ["plain", "json", "env"], default: "plain" }),
  },
  examples: [
    "berth wait --rendezvous /shared/job --format env",
    "berth wait --rendezvous etcd://10.0.0.5:2379 --job train-7 --json",
  ],
  environment: [{ term: "SLURM_JOB_ID", text: "The job's name in the rendezvous when --job is not given; else LWS's group (LWS_LEADER_ADDRESS)" }],
  async run({ options, origins, io }) {
    if (options.rendezvous === undefined) throw new UsageError("berth wait needs --rendezvous URL (or BERTH_RENDEZVOUS): where the job's nodes publish their servers");
    const { jobName, parseRendezvous, describeLocation } = await import("../core/rendezvous/location.ts");
    const location = parseRendezvous(options.rendezvous, origins.rendezvous ?? "--rendezvous");
    if (!location.ok) throw new UsageError(location.message);
    const job = jobName({ value: options.job, origin: origins.job }, io.env);
    if (!job.ok) throw new UsageError(job.message.replace("--rendezvous needs", "berth wait needs"));
    const [{ openStore }, { jobReader }, { viewJob }, { STALE_MS, WATCH_MS }] = await Promise.all([
      import("../host/rendezvous/store.ts"), import("../host/rendezvous/job-records.ts"), import("../core/rendezvous/job-view.ts"), import("../core/rendezvous/timing.ts"),
    ]);
    const where = `${describeLocation(location.location)}, job ${job.name}`;
    const store = await openStore(location.location, job.name, false).catch((error: Error) => {
      throw new BerthError(EXIT.environment, `cannot reach the rendezvous (${where}): ${error.message}`);
    });
    const reader = jobReader(store);
    const started = Date.now();
    let lastProgress = started;
    for (;;) {
      const { observations, gone } = await reader.read().catch((error: Error) => {
        throw new BerthError(EXIT.environment, `cannot read the rendezvous (${where}): ${error.message}`);
      });
      const view = viewJob(observations, gone, Date.now(), STALE_MS);
      if (view.kind === "ready") {
        print(io, options.json ? "json" : options.format, view.servers);
        return EXIT.ok;
      }
      if (view.kind === "failed") throw new BerthError(EXIT.serverFailed, `the job ${job.name} failed: ${view.reason}`);
      if (options.timeout > 0 && Date.now() - started > options.timeout) throw new BerthError(EXIT.serverFailed, `timed out after ${options.timeout / 1000}s waiting for job ${job.name}: ${view.progress}`);
      if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        io.stderr(`berth wait: ${view.progress} (${Math.round((Date.now() - started) / 1000)}s)\n`);
        lastProgress = Date.now();
      }
      await Bun.sleep(WATCH_MS);
    }
  },
});
