// NVML writes bus ids with an 8-digit domain ("00000000:18:00.0"); sysfs uses 4 digits, lower case.

export function sysfsPciAddress(nvmlBusId: string): string | undefined {
  const match = /^([0-9a-fA-F]{1,8}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/.exec(nvmlBusId.trim());
  if (!match) return undefined;
  return `${match[1]!.padStart(4, "0").slice(-4)}:${match[2]}:${match[3]}.${match[4]}`.toLowerCase();
}

/** sysfs numa_node holds -1 when the platform does not say. */
export function parseNumaNode(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text.trim());
  return Number.isInteger(value) && value >= 0 ? value : null;
}
