import { expect, test } from "bun:test";
import { containerIdFromCgroup, describeHolderPid, holderKey, inOurPidNamespace } from "../../../src/core/registry/holder-identity.ts";

const ours = "pid:[4026531836]";
const container = { pid: 1, startTicks: 9, host: "997b3ab367aa", pidNamespace: "pid:[4026532001]" };

test("a holder in our pid namespace, or one whose record predates namespaces, is just its pid", () => {
  expect(describeHolderPid({ pid: 812, pidNamespace: ours }, ours)).toBe("pid 812");
  expect(describeHolderPid({ pid: 812 }, ours)).toBe("pid 812");
  expect(inOurPidNamespace({ pid: 812 }, ours)).toBe(true);
});

test("a holder in a container is named by its container, and by the pid we see when /proc/locks gives it", () => {
  expect(describeHolderPid(container, ours)).toBe("pid 1 in 997b3ab367aa (another pid namespace, pid:[4026532001])");
  expect(describeHolderPid(container, ours, 4242)).toBe("pid 4242 (pid 1 in 997b3ab367aa)");
  expect(describeHolderPid({ pid: 1, pidNamespace: "pid:[1]" }, ours)).toBe("pid 1 in another pid namespace, pid:[1]");
  expect(inOurPidNamespace(container, ours)).toBe(false);
});

test("the container ID comes from the cgroup path of podman, Docker and Kubernetes runtimes", () => {
  const id = "915077bd078f68cf0415dd6f55148b6bee5dcb4aa1d6e7d34c2e967135c4e78a";
  expect(containerIdFromCgroup(`9:name=systemd:/libpod_parent/libpod-${id}\n`)).toBe("915077bd078f");
  expect(containerIdFromCgroup(`12:pids:/docker/${id}\n`)).toBe("915077bd078f");
  expect(containerIdFromCgroup(`0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${id}.scope\n`)).toBe("915077bd078f");
  expect(containerIdFromCgroup("0::/\n")).toBeUndefined();
  expect(containerIdFromCgroup("0::/user.slice/user-0.slice/session-3.scope\n")).toBeUndefined();
});

test("a container's holder is named by its container before its host name", () => {
  expect(describeHolderPid({ ...container, container: "915077bd078f" }, ours)).toBe("pid 1 in container 915077bd078f (another pid namespace, pid:[4026532001])");
});

test("holders are keyed by namespace, pid and start time", () => {
  expect(holderKey(container)).not.toBe(holderKey({ ...container, pidNamespace: "pid:[4026532002]" }));
  expect(holderKey(container)).not.toBe(holderKey({ ...container, startTicks: 10 }));
  expect(holderKey(container)).toBe(holderKey({ ...container }));
});
