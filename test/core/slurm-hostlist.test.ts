// Slurm hostlists, compared with what `scontrol show hostnames` prints for the same text (slurm 22.05).
import { expect, test } from "bun:test";
import { expandHostlist } from "../../src/core/slurm/hostlist.ts";

test.each([
  ["n0", ["n0"]],
  ["n[0-2]", ["n0", "n1", "n2"]],
  ["gpu[07-09,12],cpu1", ["gpu07", "gpu08", "gpu09", "gpu12", "cpu1"]],
  ["rack[1-2]-node[01-02]", ["rack1-node01", "rack1-node02", "rack2-node01", "rack2-node02"]],
  ["a100-[3,5]", ["a100-3", "a100-5"]],
  ["node[001-003]", ["node001", "node002", "node003"]],
  ["x[9-11]", ["x9", "x10", "x11"]],
  ["h1,h2,h3", ["h1", "h2", "h3"]],
  ["n[0-1],m[2,4-5]", ["n0", "n1", "m2", "m4", "m5"]],
])("%p", (list, hosts) => {
  expect(expandHostlist(list)).toEqual(hosts);
});

test.each(["n[0-", "n[a-b]", "n[3-1]", "n]"])("%p is not a hostlist", (list) => {
  expect(expandHostlist(list)).toBeUndefined();
});
