// The password and group databases and this process's uid: user names (AReaL's keys, like Python's getpass)
// and group ids (--rendezvous-group).
import { readSmallFile } from "../../ffi/libc.ts";

export function passwdText(): string {
  return readSmallFile("/etc/passwd", 16 << 20) ?? "";
}

export function groupText(): string {
  return readSmallFile("/etc/group", 16 << 20) ?? "";
}

export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}
