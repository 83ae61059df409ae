// AReaL's name_resolve entries for this node's servers, kept true while berth runs. At the start each node
// removes its own servers' keys (an earlier attempt's addresses) and node 0 the trial's gen_servers keys that
// no server of this job has. Entries are added once every server of the node is healthy, and `ready` waits
// for them (settled); a server that stops loses its entry, a restart re-adds the same key once it is healthy
// again, a vanished node's entries are withdrawn by the survivors, and all go at the end. The entries are a
// hard dependency: a write that fails (past --rendezvous-grace, for an etcd that is down) fails the run.
import { genServersPrefix, serverSubkey, serverValue } from "../../core/areal/name-resolve.ts";
import { ENDED } from "../../core/exit.ts";
import type { NodeRecord } from "../../core/rendezvous/node-record.ts";
import { beginStop } from "../supervise/stop-servers.ts";
import type { Companion } from "../supervise/companion.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import { storeTroubleReporter } from "../rendezvous/store-trouble.ts";
import { isPassingTrouble, type NameResolveStore } from "./name-resolve-store.ts";

export interface ArealNaming {
  user: string;
  experiment: string;
  trial: string;
  rank: number;
  /** How many servers the whole job has: their subkeys are the ones that are not stale. */
  serverCount: number;
  /** How long etcd may be unreachable before a write counts as failed. */
  graceMs: number;
}

export interface ArealCompanion extends Companion {
  /** A node of the job vanished: its servers' entries go, so the trainer never dials them. */
  withdraw(record: NodeRecord): void;
}

const RETRY_MS = 1000;

export function arealCompanion(store: NameResolveStore, naming: ArealNaming, where: string): (run: SupervisorRun) => ArealCompanion {
  const prefix = genServersPrefix(naming.user, naming.experiment, naming.trial);
  const keyOf = (index: number) => `${prefix}/${serverSubkey(naming.experiment, naming.trial, index)}`;
  return (run) => {
    let queue: Promise<void> = Promise.resolve();
    const trouble = storeTroubleReporter(`AReaL name_resolve ${where}`, naming.graceMs, (text) => run.view.message(text), "the servers keep running");
    /** One write, retried while etcd is only unreachable; any other failure (or the grace passing) fails the run. */
    const attempt = async (step: () => Promise<void>): Promise<void> => {
      for (;;) {
        try {
          await step();
          trouble.worked();
          return;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const verdict = isPassingTrouble(error) ? trouble.failed(message) : `AReaL name_resolve: ${message}`;
          if (verdict) {
            if (!run.stopping) run.view.message(`${verdict}; stopping, since the trainer cannot find the servers`);
            beginStop(run, "SIGTERM", ENDED.environment, verdict);
            return;
          }
          await Bun.sleep(RETRY_MS);
        }
      }
    };
    const then = (step: () => Promise<void>) => {
      queue = queue.then(() => attempt(step));
    };
    // An earlier attempt's addresses for this node's servers, and (node 0) any the job no longer has.
    for (const entry of run.servers) if (entry.launch.url) then(() => store.remove(keyOf(entry.server.index)));
    if (naming.rank === 0) {
      then(async () => {
        const current = new Set(Array.from({ length: naming.serverCount }, (_, index) => serverSubkey(naming.experiment, naming.trial, index)));
        for (const subkey of await store.list(prefix)) if (!current.has(subkey)) await store.remove(`${prefix}/${subkey}`);
      });
    }
    const published = new Set<SupervisedServer>();
    let armed = false;
    return {
      changed() {
        armed ||= run.servers.every((entry) => entry.state === "healthy");
        for (const entry of run.servers) {
          if (!entry.launch.url) continue; // members: their leader's node publishes the server
          const wanted = armed && entry.state === "healthy" && !run.stopping;
          if (wanted && !published.has(entry)) {
            published.add(entry);
            then(() => store.add(keyOf(entry.server.index), serverValue(run.settings.host, entry.placement.ports.http)));
          } else if (!wanted && published.has(entry)) {
            published.delete(entry);
            then(() => store.remove(keyOf(entry.server.index)));
          }
        }
      },
      settled: () => queue,
      withdraw(record) {
        for (const server of record.servers) if (server.url) then(() => store.remove(keyOf(server.index)));
      },
      async finish() {
        trouble.close();
        for (const entry of published) then(() => store.remove(keyOf(entry.server.index)).catch(() => undefined));
        published.clear();
        await queue;
        await store.close();
      },
    };
  };
}
