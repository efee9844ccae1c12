import { describe, expect, it } from "vitest";
import { HASH_CONCURRENCY, HashingBusy, hashPassword, Limiter, verifyPassword } from "./password.ts";

describe("hashing limiter", () => {
  it("never runs more than its bound at once, and runs every task in the end", async () => {
    const limiter = new Limiter(3, 100);
    let running = 0;
    let peak = 0;
    const task = (i: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1 + (i % 4)));
      running--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => limiter.run(task(i))));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
    expect(limiter.queued).toBe(0);
  });

  it("refuses at once when the queue is full, and a failing task frees its slot", async () => {
    const limiter = new Limiter(1, 2);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = limiter.run(() => gate);
    const queued = [limiter.run(async () => 1), limiter.run(async () => Promise.reject(new Error("boom")))];
    await expect(limiter.run(async () => 3)).rejects.toBeInstanceOf(HashingBusy);
    expect(limiter.queued).toBe(2);
    release();
    await first;
    await expect(queued[0]).resolves.toBe(1);
    await expect(queued[1]).rejects.toThrow("boom");
    await expect(limiter.run(async () => 4)).resolves.toBe(4);
    expect(limiter.active).toBe(0);
  });

  it("argon2 hashes and verifies in a burst all come out right, at most HASH_CONCURRENCY at once", async () => {
    const { availableParallelism } = await import("node:os");
    expect(HASH_CONCURRENCY).toBeGreaterThanOrEqual(1);
    expect(HASH_CONCURRENCY).toBeLessThanOrEqual(Math.max(4, availableParallelism()));
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => hashPassword(`password number ${i}`)));
    const checks = await Promise.all(hashes.map((h, i) => verifyPassword(h, i % 2 ? `password number ${i}` : "wrong")));
    expect(checks).toEqual(hashes.map((_, i) => i % 2 === 1));
  });
});
