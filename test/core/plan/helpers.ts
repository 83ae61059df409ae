import { planCluster } from "../../../src/core/plan/plan.ts";
import { readSpec } from "../../../src/core/spec/index.ts";
import type { Result } from "../../../src/core/result.ts";
import type { Cluster, Plan } from "../../../src/core/types.ts";

export const DEFAULT_TEST_POOL = { first: 10000, last: 32767 };

export function cluster(nodes: number, gpusPerNode: number, extra: Partial<Cluster> = {}): Cluster {
  return { nodes, gpusPerNode, portPool: DEFAULT_TEST_POOL, reservedPorts: [], ephemeralLow: 32768, ...extra };
}

export function plan(text: string, shape: Cluster): Result<Plan> {
  const spec = readSpec(text);
  if (!spec.ok) throw new Error(`test spec ${text} did not parse: ${spec.issues[0]?.message}`);
  return planCluster(spec.value, shape);
}

export function mustPlan(text: string, shape: Cluster): Plan {
  const result = plan(text, shape);
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join("; "));
  return result.value;
}

export function refusal(text: string, shape: Cluster): string {
  const result = plan(text, shape);
  if (result.ok) throw new Error(`${text} was expected to be refused`);
  return result.issues.map((issue) => issue.message).join("; ");
}
