// A lease berth keeps alive while it runs, so its keys vanish ETCD_LEASE_TTL_S after a SIGKILLed berth stops
// renewing them. The lease can be lost while berth lives (etcd stalled past the TTL, a long partition): the
// next keepalive or put says so, a new lease is granted on next use, and `regranted` lets the owner put back
// what went with the old one. Keepalive failures are not errors of their own: the puts that follow say them.
import { ETCD_KEEPALIVE_MS, ETCD_LEASE_TTL_S } from "../../core/rendezvous/timing.ts";
import { etcdCall, isLeaseLost } from "./etcd-client.ts";

export interface KeptLease {
  /** The live lease's id, granted now if there is none. */
  id(): Promise<string>;
  /** Runs a call that puts under the lease; a lost lease is replaced and the call made once more. */
  withLease<T>(call: (lease: string) => Promise<T>): Promise<T>;
  /** Counts the leases granted: a caller that saw it change knows its keys went with the old one. */
  readonly generation: number;
  revoke(): Promise<void>;
}

export function keepLease(endpoint: string): KeptLease {
  let current: string | undefined;
  let granting: Promise<string> | undefined;
  let generation = 0;
  let closed = false;
  const grant = async (): Promise<string> => {
    const { ID } = await etcdCall<{ ID: string }>(endpoint, "/v3/lease/grant", { TTL: ETCD_LEASE_TTL_S });
    current = ID;
    generation++;
    return ID;
  };
  const id = (): Promise<string> => {
    if (current !== undefined) return Promise.resolve(current);
    granting ??= grant().finally(() => (granting = undefined));
    return granting;
  };
  const keepalive = setInterval(() => {
    const lease = current;
    if (lease === undefined || closed) return;
    void etcdCall<{ result?: { TTL?: string } }>(endpoint, "/v3/lease/keepalive", { ID: lease })
      .then((answer) => {
        if (Number(answer.result?.TTL ?? 0) <= 0 && current === lease) current = undefined; // expired: granted again on next use
      })
      .catch(() => undefined);
  }, ETCD_KEEPALIVE_MS);
  return {
    id,
    get generation() {
      return generation;
    },
    async withLease(call) {
      const lease = await id();
      try {
        return await call(lease);
      } catch (error) {
        if (!isLeaseLost(error)) throw error;
        if (current === lease) current = undefined;
        return call(await id());
      }
    },
    async revoke() {
      closed = true;
      clearInterval(keepalive);
      if (current !== undefined) await etcdCall(endpoint, "/v3/lease/revoke", { ID: current }).catch(() => undefined);
      current = undefined;
    },
  };
}
