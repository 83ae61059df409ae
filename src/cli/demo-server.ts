// Hidden `berth __demo-server`: the tiny OpenAI-style server `berth demo` starts on simulated GPUs. It
// answers /health and /v1/models after a short warm-up, so the demo shows servers going starting → healthy.
import { defineBerthCommand } from "./command.ts";
import { durationOption, integerOption, stringOption } from "./option-kinds.ts";
import { ENDED } from "../core/exit.ts";
import { useNormalJitPolicy } from "../host/process/jit-policy.ts";
import { untilStopSignal } from "../host/process/stop-signal.ts";

export const demoServerCommand = defineBerthCommand({
  positionals: [],
  acceptsPassthrough: false,
  options: {
    port: integerOption({ description: "Port to listen on", min: 1, max: 65535 }),
    host: stringOption({ description: "Address to listen on", default: "127.0.0.1" }),
    // Read from what berth exports to each server, on purpose: this is the server.
    server: stringOption({ description: "Server id for messages", default: "0", env: "BERTH_SERVER" }),
    warmup: durationOption({ description: "How long /health answers 503 first", default: 600 }),
  },
  async run({ options, io }) {
    useNormalJitPolicy(); // a server: its request handling should get the JIT
    const readyAt = Date.now() + options.warmup;
    const model = `berth-demo-${options.server}`;
    const http = Bun.serve({
      hostname: options.host,
      port: options.port,
      fetch(request) {
        const { pathname } = new URL(request.url);
        const warm = Date.now() >= readyAt;
        if (pathname === "/health") return new Response(warm ? "ok" : "warming up", { status: warm ? 200 : 503 });
        if (pathname === "/v1/models") {
          return warm ? Response.json({ object: "list", data: [{ id: model, object: "model", owned_by: "berth" }] }) : new Response("warming up", { status: 503 });
        }
        return new Response(`berth demo server ${options.server}: try /health or /v1/models\n`);
      },
    });
    io.stdout(`demo server ${options.server} listening on ${options.host}:${http.port} (CUDA_VISIBLE_DEVICES=${io.env.CUDA_VISIBLE_DEVICES ?? ""}), warming up for ${options.warmup} ms\n`);
    const signal = await untilStopSignal();
    io.stdout(`demo server ${options.server} stopping on ${signal}\n`);
    await http.stop(true);
    // TERM is how berth asks it to stop: a clean exit. Anything else ends it as that signal would.
    return signal === "SIGTERM" ? ENDED.ok : { kind: "signalled", signal };
  },
});
