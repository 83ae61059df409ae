// Cold `berth plan vllm:d512t1 --nodes 64 --gpus-per-node 8 --json` against a compiled hello-world. Goal ≤ 1.5×.
import { alternate, berthBinary, helloBinary } from "./lib.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const berth = await berthBinary();
const hello = await helloBinary();
const medians = alternate(
  {
    hello: { argv: [hello] },
    plan: { argv: [berth, "plan", "vllm:d512t1", "--nodes", "64", "--gpus-per-node", "8", "--json"] },
  },
  ROUNDS,
);
const ratio = medians.plan! / medians.hello!;
console.log(`plan-cold  median of ${ROUNDS}: hello ${medians.hello!.toFixed(1)} ms, berth plan ${medians.plan!.toFixed(1)} ms, ratio ${ratio.toFixed(2)}× (goal ≤ 1.5×)`);
