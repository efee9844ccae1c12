import { afterAll, describe, expect, it } from "vitest";
import { call, freshDatabase, type TestDatabase } from "../support/harness.ts";
import { eventually, type ServerProcess, spawnServer } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

/**
 * Validated sessions are cached per process. Ending a session on one process must
 * end it on the others at once, not when their cache entry runs out: with a 30 s
 * cache, only the eviction message can explain a refusal within a second or two.
 */
describe("the session cache across processes", () => {
  let db: TestDatabase;
  let redisDb: ClaimedRedisDb | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.drop();
    await redisDb?.release();
  });

  it("a logout on process A is refused on process B at once", async () => {
    redisDb = await claimRedisDb();
    db = await freshDatabase(undefined, "postgres");
    const env = {
      DATABASE_URL: db.url!,
      REDIS_URL: redisDb.url,
      SESSION_CACHE_MS: "30000",
      JOB_INTERVAL_MS: "0",
    };
    const a = await spawnServer(env);
    servers.push(a);
    const b = await spawnServer(env);
    servers.push(b);
    const s = await call(a.url, "POST", "/signup", {
      body: { club: { name: "Cache", slug: "cache" }, admin: { email: "admin@cache.test", password: "correct horse battery", name: "A" } },
    });
    const token = s.body.token as string;
    expect((await call(b.url, "GET", "/me", { token })).status).toBe(200); // now cached on B
    expect((await call(b.url, "GET", "/me", { token })).status).toBe(200);
    expect((await call(a.url, "POST", "/auth/logout", { token })).status).toBe(204);
    const started = Date.now();
    await eventually(async () => {
      const r = await call(b.url, "GET", "/me", { token });
      if (r.status !== 401) throw new Error(`still ${r.status}`);
    }, 2_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
