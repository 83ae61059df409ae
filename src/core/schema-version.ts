// The version of every JSON document berth prints or writes (plan, probe, status, ports, wait, the run's
// events, the manifest). It changes only when a field is removed or changes meaning; new fields keep it.
export const SCHEMA_VERSION = 1;
