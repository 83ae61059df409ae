// Timers past setTimeout's ~24.8-day limit wait instead of firing at once; one abort cancels them all.
import { expect, test } from "bun:test";
import { LONGEST_TIMER_MS } from "../../src/core/supervise/timing.ts";
import { after } from "../../src/host/timers.ts";
import { waitFor } from "../support/berth-run.ts";

test("a 600-hour timer does not fire at once (a plain setTimeout of that length would)", async () => {
  const controller = new AbortController();
  let longFired = false;
  let shortFired = false;
  after(controller.signal, 600 * 3_600_000, () => (longFired = true));
  after(controller.signal, LONGEST_TIMER_MS + 1, () => (longFired = true));
  after(controller.signal, 20, () => (shortFired = true)); // a timer armed after them fires first
  await waitFor(() => shortFired, "the 20 ms timer");
  expect(longFired).toBe(false);
  controller.abort();
});

test("abort cancels a timer that has not fired", async () => {
  const controller = new AbortController();
  let fired = false;
  let later = false;
  after(controller.signal, 10, () => (fired = true));
  controller.abort();
  after(new AbortController().signal, 50, () => (later = true));
  await waitFor(() => later, "a timer armed after the abort");
  expect(fired).toBe(false);
});
