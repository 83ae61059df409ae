// The exec step's guard: die with the parent (PR_SET_PDEATHSIG, kept across execve), and do not start at
// all when the parent is already gone.
import { getppid, prctl } from "../../ffi/libc.ts";
import { SIGNAL_NUMBERS } from "../../core/exit.ts";
import { PR_SET_PDEATHSIG } from "../../ffi/linux-constants.ts";

export function armParentDeathSignal(expectedParent: number): boolean {
  if (!prctl(PR_SET_PDEATHSIG, SIGNAL_NUMBERS.SIGKILL!).ok) return false;
  return getppid() === expectedParent; // the parent may have died before the signal was armed
}
