// The password database and this process's uid, for user names (AReaL's keys, like Python's getpass).
import { readFileSync } from "node:fs";

export function passwdText(): string {
  try {
    return readFileSync("/etc/passwd", "utf8");
  } catch {
    return "";
  }
}

export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}
