// `berth wait`: the trainer's side of a job. Reads the job's current attempt in its rendezvous until every
// node is alive on evidence berth wait has itself seen (a heartbeat that moved, or a writer checked alive on
// this host) and every server of its spec is healthy, then prints them in global index order. It fails at
// once, with one line, when a node published a failure, a server failed, or a node it saw alive vanished;
// an earlier attempt's records, and leftovers no live node has replaced, never count. A store it cannot
// reach is retried until --timeout, saying so every 10 s.
import { defineBerthCommand } from "./command.ts";
import { BerthError, UsageError } from "./errors.ts";
import { durationOption, enumOption } from "./option-kinds.ts";
import type { Io } from "./io.ts";
import { printJson } from "./render/json.ts";
import { RENDEZVOUS_OPTIONS, rendezvousChoice } from "./rendezvous-options.ts";
import { EXIT } from "../core/exit.ts";
import type { ServerRecord } from "../core/rendezvous/node-record.ts";

const PROGRESS_EVERY_MS = 10_000;

function print(io: Io, format: string, job: string, attempt: string, servers: readonly ServerRecord[]): void {
  const addresses = servers.map((server) => server.url.replace(/^http:\/\//, ""));
  if (format === "json") {
    printJson(io, { job, attempt, servers: servers.map(({ index, node, url, host, port, state, gpus, ports }) => ({ index, node, url, host, port, state, gpus, ports })) });
  } else if (format === "env") io.stdout(`AREAL_LLM_SERVER_ADDRS=${addresses.join(",")}\n`);
  else io.stdout(servers.map((server) => `${server.url}\n`).join(""));
}

const { rendezvousGroup, ...WAIT_RENDEZVOUS_OPTIONS } = RENDEZVOUS_OPTIONS;

export const waitCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {
    ...WAIT_RENDEZVOUS_OPTIONS,
    rendezvousGroup: { ...rendezvousGroup, description: "Accept a directory rendezvous shared with this Unix group on purpose (as berth run --rendezvous-group made it)" },
    timeout: durationOption({ description: "Give up after this long (0: wait for ever)", default: 30 * 60_000 }),
    format: enumOption({ description: "How to print the servers: plain (a URL per line), json, or env (AREAL_LLM_SERVER_ADDRS=host:port,…)", choices: ["plain", "json", "env"], default: "plain" }),
  },
  examples: [
    "berth wait --rendezvous /shared/job --format env",
    "berth wait --rendezvous etcd://10.0.0.5:2379 --job train-7 --json",
  ],
  environment: [
    { term: "SLURM_JOB_ID", text: "The job's name in the rendezvous when --job is not given; else LWS's group (LWS_LEADER_ADDRESS)" },
    { term: "SLURM_RESTART_COUNT", text: "With SLURM_JOB_ID, the attempt when --attempt is not given: a requeued job never sees its earlier attempt's servers" },
  ],
  async run({ options, origins, io }) {
    if (options.rendezvous === undefined) throw new UsageError("berth wait needs --rendezvous URL (or BERTH_RENDEZVOUS): where the job's nodes publish their servers");
    const choice = (await rendezvousChoice(options, origins, io.env, "berth wait"))!;
    const { waitForJob } = await import("../host/rendezvous/wait-for-job.ts");
    const outcome = await waitForJob(choice, options.timeout, {
      progress: (text) => io.stderr(`berth wait: ${text}\n`),
      progressEveryMs: PROGRESS_EVERY_MS,
    });
    if (outcome.kind === "ready") {
      print(io, options.json ? "json" : options.format, choice.job, outcome.attempt, outcome.servers);
      return EXIT.ok;
    }
    throw new BerthError(outcome.kind === "refused" ? EXIT.environment : EXIT.serverFailed, outcome.message);
  },
});
