// The names of berth's internal commands: berth runs itself under these names (the --ttl port holder, the
// parent-death exec step, the demo's HTTP server). The command table and the code that spawns them share
// these constants, so neither has to import the other.

/** `berth ports --ttl`'s detached holder. */
export const HOLD_COMMAND = "__hold-ports";
/** Arms PR_SET_PDEATHSIG, then execs the server. */
export const EXEC_STEP = "__exec";
/** The demo's built-in HTTP server. */
export const DEMO_SERVER_COMMAND = "__demo-server";
