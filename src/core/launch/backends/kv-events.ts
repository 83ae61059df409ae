// KV-cache events (vLLM's and SGLang's --kv-events-config): a publisher with no "endpoint" binds the engines'
// default, tcp://*:5557, outside berth's block, so two servers on a node collide there. Berth fills in the
// endpoint with the block's own KV-events port; an endpoint the user wrote is left as it is.

const FLAG = "--kv-events-config";

function filled(json: string, port: number): string {
  let config: unknown;
  try {
    config = JSON.parse(json);
  } catch {
    return json; // not JSON (or {placeholders} not filled yet): the engine says what is wrong with it
  }
  if (typeof config !== "object" || config === null || Array.isArray(config) || "endpoint" in config) return json;
  return JSON.stringify({ ...config, endpoint: `tcp://*:${port}` });
}

/** The arguments with every --kv-events-config given an endpoint in the block where it has none. */
export function withKvEventsEndpoint(args: readonly string[], port: number | undefined): string[] {
  if (port === undefined) return [...args];
  return args.map((argument, index) => {
    if (argument.startsWith(`${FLAG}=`)) return `${FLAG}=${filled(argument.slice(FLAG.length + 1), port)}`;
    return args[index - 1] === FLAG ? filled(argument, port) : argument;
  });
}
