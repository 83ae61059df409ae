// AReaL's name_resolve entries for this node's servers, kept true while berth runs: added once every server
// of the node is healthy, removed when a server stops (a restart re-adds the same key once it is healthy
// again), all removed at the end. Node 0 first clears the trial's stale gen_servers entries (those no server
// of this job has), and nothing else under <user>/<experiment>/<trial>/ is touched.
import { genServersPrefix, serverSubkey, serverValue } from "../../core/areal/name-resolve.ts";
import type { Companion } from "../supervise/settings.ts";
import type { SupervisedServer } from "../supervise/supervised-server.ts";
import type { SupervisorRun } from "../supervise/supervisor-run.ts";
import type { NameResolveStore } from "./name-resolve-store.ts";

export interface ArealNaming {
  user: string;
  experiment: string;
  trial: string;
  rank: number;
  /** How many servers the whole job has: their subkeys are the ones that are not stale. */
  serverCount: number;
}

export function arealCompanion(store: NameResolveStore, naming: ArealNaming): (run: SupervisorRun) => Companion {
  const prefix = genServersPrefix(naming.user, naming.experiment, naming.trial);
  const keyOf = (index: number) => `${prefix}/${serverSubkey(naming.experiment, naming.trial, index)}`;
  return (run) => {
    let queue: Promise<void> = Promise.resolve();
    const then = (step: () => Promise<void>) => {
      queue = queue.then(step).catch((error: Error) => run.view.message(`AReaL name_resolve: ${error.message}`));
    };
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
          const wanted = armed && entry.state === "healthy";
          if (wanted && !published.has(entry)) {
            published.add(entry);
            then(() => store.add(keyOf(entry.server.index), serverValue(run.settings.host, entry.placement.ports.http)));
          } else if (!wanted && published.has(entry)) {
            published.delete(entry);
            then(() => store.remove(keyOf(entry.server.index)));
          }
        }
      },
      async finish() {
        for (const entry of published) then(() => store.remove(keyOf(entry.server.index)));
        published.clear();
        await queue;
        await store.close();
      },
    };
  };
}
