// The rendezvous's clock: how often a node rewrites its record and looks at the others', when a silent node
// counts as gone, and the lease of an etcd writer.

/** A node's record is rewritten at least this often (its heartbeat), and on every change. */
export const HEARTBEAT_MS = 2000;
/** Every node (and `berth wait`) reads the job this often. */
export const WATCH_MS = 500;
/** A live node whose heartbeat has not moved for this long, on the reader's clock, has vanished. */
export const STALE_MS = 10_000;
/** etcd: a writer's lease; its keys vanish this long after berth stops renewing it. */
export const ETCD_LEASE_TTL_S = 10;
export const ETCD_KEEPALIVE_MS = 3000;
