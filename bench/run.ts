// `bun run bench`: every benchmark in turn; each prints its own line of ratios.
import { $ } from "bun";

for (const name of ["plan-cold", "probe", "ports", "supervise", "guardian", "rendezvous", "job-64", "status", "run-scale", "ownership", "watching", "floors", "second-run"]) await $`bun run ${import.meta.dir}/${name}.ts`;
