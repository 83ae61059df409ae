// Compiled `berth probe --json` on the fake NVML library (8×H200) against a compiled hello-world. Goal ≤ 1.5×.
import { alternate, berthBinary, helloBinary } from "./lib.ts";
import { fakeNvmlLibrary } from "../test/support/fake-nvml.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const berth = await berthBinary();
const hello = await helloBinary();
const env = { BERTH_NVML_LIBRARY: fakeNvmlLibrary(), CUDA_DEVICE_ORDER: "PCI_BUS_ID" };
const medians = alternate({ hello: { argv: [hello] }, probe: { argv: [berth, "probe", "--json"], env } }, ROUNDS);
const ratio = medians.probe! / medians.hello!;
console.log(`probe      median of ${ROUNDS}: hello ${medians.hello!.toFixed(1)} ms, berth probe ${medians.probe!.toFixed(1)} ms (fake NVML, 8 GPUs), ratio ${ratio.toFixed(2)}× (goal ≤ 1.5×)`);
