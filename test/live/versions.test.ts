import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { redisVersions } from "../../server/src/realtime/versions.ts";

// Two processes' view of a club's board version: one Redis, a client each.
const REDIS_URL = `redis://127.0.0.1:6379/${1 + Math.floor(Math.random() * 15)}`;
const clients = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
const prefix = `clubhouse-test-versions-${process.pid}-${Date.now()}:`;
afterAll(async () => {
  const keys = await clients[0]!.keys(`${prefix}*`);
  if (keys.length) await clients[0]!.del(...keys);
  for (const c of clients) c.disconnect();
});

describe("board versions in Redis", () => {
  it("processes reading a new club's boards at once get one first version, and the sequence goes on from it", async () => {
    const [one, two] = clients.map((c) => redisVersions(c, prefix)) as [ReturnType<typeof redisVersions>, ReturnType<typeof redisVersions>];
    for (let club = 0; club < 20; club++) {
      const tenantId = `club-${club}`;
      const firsts = await Promise.all([one.current(tenantId), two.current(tenantId), one.current(tenantId), two.current(tenantId)]);
      expect(new Set(firsts).size, `club ${club}: ${firsts.join(", ")}`).toBe(1);
      expect(firsts[0]).toBeGreaterThan(Date.now() - 60_000); // starts at the clock, above any version handed out before
      expect(await two.next(tenantId)).toBe(firsts[0]! + 1);
      expect(await one.current(tenantId)).toBe(firsts[0]! + 1);
      expect(await one.next(tenantId, { gap: true })).toBe(firsts[0]! + 3);
    }
  });
});
