// What --host and --advertise-host accept: an IPv4 address, an IPv6 address (bracketed or not), or a
// hostname (RFC 1123 labels). Anything else would reach the engine's --host and fail far from the cause.

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isIpv6(text: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(":")) return false;
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === "" ? [] : half.split(":")));
  const last = groups.at(-1);
  const embeddedIpv4 = last !== undefined && last.includes(".");
  if (embeddedIpv4 && !IPV4.test(last)) return false;
  const hexGroups = embeddedIpv4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  const width = hexGroups.length + (embeddedIpv4 ? 2 : 0);
  return halves.length === 2 ? width < 8 : width === 8;
}

function isHostname(text: string): boolean {
  const name = text.endsWith(".") ? text.slice(0, -1) : text;
  if (name.length === 0 || name.length > 253 || /^[\d.]+$/.test(name)) return false;
  return name.split(".").every((label) => LABEL.test(label));
}

/** The address without IPv6 brackets, or undefined when the text is neither an address nor a hostname. */
export function checkHostName(text: string): string | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (IPV4.test(bare) || isIpv6(bare) || (bare === text && isHostname(text))) return bare;
  return undefined;
}

/** 0.0.0.0 and :: bind every interface; no client can dial them, so they are never advertised. */
export function isWildcardAddress(address: string): boolean {
  return address === "0.0.0.0" || /^(0{0,4}:){2,7}0{0,4}$/.test(address) || address === "::";
}
