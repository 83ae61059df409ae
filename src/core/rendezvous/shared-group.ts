// --rendezvous-group: a job's rendezvous directory shared on purpose with a Unix group, named or numbered.

/** The group's id from /etc/group's text, or a message naming the value and where it came from. */
export function sharedGroupId(value: string, origin: string, groupText: string): { ok: true; gid: number } | { ok: false; message: string } {
  if (/^\d{1,10}$/.test(value)) return { ok: true, gid: Number(value) };
  for (const line of groupText.split("\n")) {
    const [name, , gid] = line.split(":");
    if (name === value && gid !== undefined && /^\d+$/.test(gid)) return { ok: true, gid: Number(gid) };
  }
  return { ok: false, message: `bad value ${JSON.stringify(value)} for ${origin}; expected a group of this host (see getent group) or a numeric gid` };
}
