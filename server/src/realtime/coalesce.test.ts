import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Coalescer } from "./coalesce.ts";
import { memoryVersions } from "./versions.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Coalescer", () => {
  it("runs a burst once, a window after its first request, per key", async () => {
    const runs: string[] = [];
    const c = new Coalescer(200, async (k) => {
      runs.push(k);
    });
    for (let i = 0; i < 100; i++) c.request("a");
    c.request("b");
    await vi.advanceTimersByTimeAsync(199);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs.sort()).toEqual(["a", "b"]);
    expect(c.pending).toBe(0);
  });

  it("never loses a request made during a run, and never runs a key twice at once", async () => {
    const log: string[] = [];
    let release: () => void = () => {};
    const c = new Coalescer(200, async (k) => {
      log.push(`start ${k}`);
      await new Promise<void>((r) => {
        release = r;
      });
      log.push(`end ${k}`);
    });
    c.request("a");
    await vi.advanceTimersByTimeAsync(200);
    c.request("a"); // during the run
    c.request("a");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(["start a"]);
    release();
    await vi.advanceTimersByTimeAsync(199);
    expect(log).toEqual(["start a", "end a"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(["start a", "end a", "start a"]);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(["start a", "end a", "start a", "end a"]);
    expect(c.pending).toBe(0);
  });

  it("keeps going after a failed run, and stops on close", async () => {
    let n = 0;
    const c = new Coalescer(10, async () => {
      n++;
      throw new Error("boom");
    });
    c.request("a");
    await vi.advanceTimersByTimeAsync(10);
    c.request("a");
    await vi.advanceTimersByTimeAsync(10);
    expect(n).toBe(2);
    c.request("a");
    c.close();
    await vi.advanceTimersByTimeAsync(100);
    expect(n).toBe(2);
  });
});

describe("Coalescer, leading edge", () => {
  it("runs the first request of a quiet key at once, then folds the window's requests into one run at its end", async () => {
    const runs: string[] = [];
    const c = new Coalescer(
      200,
      async (k) => {
        runs.push(k);
      },
      undefined,
      { leading: true },
    );
    c.request("a");
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a"]); // no wait for the window
    c.request("a"); // inside the window: coalesced
    c.request("a");
    c.request("b"); // another key, quiet: at once too
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(199);
    expect(runs).toEqual(["a", "b"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toEqual(["a", "b", "a"]); // the trailing edge, once for both requests
    // The trailing run opened a window of its own; it closes with no request: quiet again.
    await vi.advanceTimersByTimeAsync(200);
    expect(runs).toEqual(["a", "b", "a"]);
    expect(c.pending).toBe(0);
    c.request("a");
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toEqual(["a", "b", "a", "a"]);
  });

  it("never loses a request made during a run, never runs a key twice at once, keeps the order of runs", async () => {
    const log: string[] = [];
    const releases: (() => void)[] = [];
    let n = 0;
    const c = new Coalescer(
      200,
      async (k) => {
        const i = ++n;
        log.push(`start ${k}${i}`);
        await new Promise<void>((r) => releases.push(r));
        log.push(`end ${k}${i}`);
      },
      undefined,
      { leading: true },
    );
    c.request("a");
    await vi.advanceTimersByTimeAsync(0);
    c.request("a"); // during the run
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log).toEqual(["start a1"]);
    releases.shift()?.();
    await vi.advanceTimersByTimeAsync(199);
    expect(log).toEqual(["start a1", "end a1"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log).toEqual(["start a1", "end a1", "start a2"]);
    c.request("a"); // during the trailing run
    releases.shift()?.();
    await vi.advanceTimersByTimeAsync(200);
    expect(log).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3"]);
    releases.shift()?.();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(log.at(-1)).toBe("end a3");
    expect(c.pending).toBe(0);
  });

  it("keeps going after a failed run, waits with the timers it is given, and stops on close", async () => {
    const pending: { fn: () => void; ms: number }[] = [];
    const timers = {
      setTimeout(fn: () => void, ms: number) {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout(h: unknown) {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    let n = 0;
    const c = new Coalescer(
      60_000,
      async () => {
        n++;
        throw new Error("boom");
      },
      undefined,
      { leading: true, timers },
    );
    c.request("a");
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(1);
    expect(pending.map((t) => t.ms)).toEqual([60_000]);
    c.request("a");
    pending.shift()?.fn(); // the window ends when the test says so
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(2);
    c.request("a");
    c.close();
    expect(pending).toEqual([]);
    expect(n).toBe(2);
  });
});

describe("Coalescer, stretched windows", () => {
  it("keeps the window after a slow run at least `stretch` times the run, and the short one after a quick run", async () => {
    const pending: { fn: () => void; ms: number }[] = [];
    let clock = 0;
    const timers = {
      setTimeout(fn: () => void, ms: number) {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout() {},
      now: () => clock,
    };
    const took = [100, 10, 30];
    let n = 0;
    const c = new Coalescer(
      50,
      async () => {
        clock += took[n++] ?? 0;
      },
      undefined,
      { leading: true, stretch: 2, timers },
    );
    c.request("big");
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(1);
    expect(pending.map((t) => t.ms)).toEqual([200]); // a 100 ms run: a 200 ms window
    c.request("big");
    pending.shift()?.fn();
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(2);
    expect(pending.map((t) => t.ms)).toEqual([50]); // a 10 ms run: the window itself
    c.request("big");
    pending.shift()?.fn();
    await vi.advanceTimersByTimeAsync(0);
    expect(n).toBe(3);
    expect(pending.map((t) => t.ms)).toEqual([60]);
    pending.shift()?.fn(); // nothing came in: quiet again
    expect(c.pending).toBe(0);
    // without stretch, a slow run keeps the plain window
    const plain = new Coalescer(
      50,
      async () => {
        clock += 500;
      },
      undefined,
      { leading: true, timers },
    );
    plain.request("x");
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.map((t) => t.ms)).toEqual([50]);
    plain.close();
  });
});

describe("memoryVersions", () => {
  it("starts a club at the clock in ms, then counts by one (two after an outage)", async () => {
    let now = 1_000_000;
    const v = memoryVersions(() => now);
    expect(await v.current("a")).toBe(1_000_000);
    expect(await v.next("a")).toBe(1_000_001);
    expect(await v.next("a", { gap: true })).toBe(1_000_003);
    expect(await v.current("a")).toBe(1_000_003);
    now = 5_000_000;
    expect(await v.next("b")).toBe(5_000_000);
    // A restarted process starts above everything the last one handed out.
    const restarted = memoryVersions(() => now + 1);
    expect(await restarted.current("a")).toBeGreaterThan(1_000_003);
  });
});
