// Rootful podman for the container tests: a containers.conf for this host (container/podman-conf.sh), the
// scratch base (container/make-base.sh) and berth's image built from the shipped Containerfile, each tagged
// for this test process and removed after it. Containers run with --network host and are named per test.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./berth-process.ts";

export const CONTAINER_BERTH = "/usr/local/bin/berth";
const tag = `${process.pid}`;
export const BASE_IMAGE = `localhost/berth-e2e-base:${tag}`;
export const IMAGE = `localhost/berth-e2e:${tag}`;
/** A stand-in for vLLM's image: the scratch base with test/fixtures/engines/fake-vllm.ts compiled as `vllm`. */
const ENGINE_IMAGE = `localhost/berth-e2e-engine:${tag}`;
/** examples/containers/vllm.Containerfile built on that stand-in. */
export const ENGINE_BERTH_IMAGE = `localhost/berth-e2e-vllm:${tag}`;

const environment: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root" };

/** Why the container tests cannot run here, or undefined when they can. */
export function podmanMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  if (Bun.which("podman") === null) return "podman is not installed (bash scripts/install-e2e.sh installs it)";
  return undefined;
}

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

export async function podman(args: string[], timeoutMs = 120_000): Promise<Finished> {
  const child = Bun.spawn(["podman", ...args], { env: environment, stdout: "pipe", stderr: "pipe", timeout: timeoutMs, killSignal: "SIGKILL" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

async function mustSucceed(what: string, argv: string[], cwd = REPO_ROOT): Promise<string> {
  const child = Bun.spawn(argv, { cwd, env: environment, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}): ${stderr || stdout}`);
  return stdout.trim();
}

/** The compiled berth the image carries: BERTH_TEST_BINARY, else dist/berth, built here when missing. */
async function binary(): Promise<string> {
  const named = resolve(REPO_ROOT, process.env.BERTH_TEST_BINARY ?? "dist/berth");
  if (!existsSync(named)) await mustSucceed("bun run build.ts --host-only", [process.execPath, "run", "build.ts", "--host-only"]);
  return named;
}

/** Builds both images, offline; returns the function that removes them. */
export async function buildImages(): Promise<() => Promise<void>> {
  environment.CONTAINERS_CONF = await mustSucceed("container/podman-conf.sh", ["bash", "container/podman-conf.sh", join(tmpdir(), `berth-e2e-containers-${tag}.conf`)]);
  const berth = await binary();
  await mustSucceed("container/make-base.sh", ["bash", "container/make-base.sh", berth, BASE_IMAGE]);
  // The context holds only what the shipped Containerfile copies.
  const context = mkdtempSync(join(tmpdir(), "berth-image-"));
  mkdirSync(join(context, "dist"));
  copyFileSync(berth, join(context, "dist/berth"));
  copyFileSync(join(REPO_ROOT, "Containerfile"), join(context, "Containerfile"));
  try {
    await mustSucceed("podman build", ["podman", "build", "-q", "--pull=never", "--build-arg", `BASE=${BASE_IMAGE}`, "-t", IMAGE, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  await buildEngineExample();
  return async () => {
    for (const image of [IMAGE, ENGINE_BERTH_IMAGE]) await podman(["rm", "-f", "--filter", `ancestor=${image}`]);
    await podman(["rmi", "-f", ENGINE_BERTH_IMAGE, ENGINE_IMAGE, IMAGE, BASE_IMAGE]);
  };
}

/** The documented engine-image pattern, for real: the example Containerfile, with a stand-in engine image. */
async function buildEngineExample(): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), "berth-engine-"));
  try {
    await mustSucceed("compiling the stand-in vllm", [process.execPath, "build", "--compile", "test/fixtures/engines/fake-vllm.ts", "--outfile", join(context, "vllm")]);
    await Bun.write(join(context, "Containerfile"), `FROM ${BASE_IMAGE}\nCOPY vllm /usr/local/bin/vllm\n`);
    await mustSucceed("podman build (stand-in engine)", ["podman", "build", "-q", "--pull=never", "-t", ENGINE_IMAGE, context]);
    const example = join(REPO_ROOT, "examples/containers/vllm.Containerfile");
    await mustSucceed("podman build (examples/containers/vllm.Containerfile)", ["podman", "build", "-q", "--pull=never", "--build-arg", `BERTH_IMAGE=${IMAGE}`, "--build-arg", `ENGINE_IMAGE=${ENGINE_IMAGE}`, "-f", example, "-t", ENGINE_BERTH_IMAGE, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

export interface RunningContainer {
  name: string;
  /** stdout lines parsed as JSON (berth's --json events); other lines are skipped. */
  events: Record<string, unknown>[];
  output(): string;
  waitForEvent(match: (event: Record<string, unknown>) => boolean, what: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** podman run's own exit code, with everything the container printed. */
  finished: Promise<Finished>;
}

let counter = 0;
const running = new Set<string>();

/** Removes the containers of this file that are still running: a failed assertion must not leave one holding GPUs and ports for the next test. */
export async function removeContainersLeft(): Promise<void> {
  if (running.size === 0) return;
  await podman(["rm", "-f", "-t", "0", ...running]);
  running.clear();
}

/** `podman run --rm --network host [podmanArgs] IMAGE berthArgs…`, its output followed as it comes. */
export function runContainer(berthArgs: string[], podmanArgs: string[] = [], image = IMAGE): RunningContainer {
  const name = `berth-e2e-${tag}-${++counter}`;
  const child = Bun.spawn(["podman", "run", "--rm", "--name", name, "--network", "host", ...podmanArgs, image, ...berthArgs], { env: environment, stdout: "pipe", stderr: "pipe" });
  const events: Record<string, unknown>[] = [];
  const text = { stdout: "", stderr: "" };
  const follow = async (stream: ReadableStream<Uint8Array>, into: "stdout" | "stderr") => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      const piece = decoder.decode(chunk, { stream: true });
      text[into] += piece;
      if (into === "stderr") continue;
      pending += piece;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line.startsWith("{")) events.push(JSON.parse(line));
    }
  };
  const readOut = follow(child.stdout, "stdout");
  const readErr = follow(child.stderr, "stderr");
  running.add(name);
  const finished = Promise.all([child.exited, readOut, readErr]).then(([code]) => {
    running.delete(name);
    return { code, ...text };
  });
  const output = () => `stdout:\n${text.stdout}\nstderr:\n${text.stderr}`;
  return {
    name,
    events,
    output,
    finished,
    async waitForEvent(match, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`container ${name}: no ${what} (${child.exitCode === null ? "timed out" : `exited ${child.exitCode}`})\n${output()}`);
        await Bun.sleep(50);
      }
    },
  };
}
