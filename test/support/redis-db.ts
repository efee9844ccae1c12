import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/**
 * A numbered database of the shared Redis on 127.0.0.1:6379 that no other test file
 * uses while this one holds it.
 *
 * Two files on one database share its stream, its process registry and its keys: each
 * server then counts the other file's servers among its peers and waits for their
 * answers (a `fetchSockets` that times out with "only 2 responses received out of 3"
 * once the other file has stopped them). A pick at random collides now and then among
 * the files that run at the same time, so the pick is a claim: `SET NX` of a key in
 * database 0, one per database 1–15, taken in random order, waited for when all are
 * held. The claim expires on its own after a quarter of an hour, for a run that was
 * killed before it let go. A claimed database is emptied first.
 */
export interface ClaimedRedisDb {
  db: number;
  url: string;
  release(): Promise<void>;
}

const HOST = "127.0.0.1";
const PORT = 6379;
const CLAIM_MS = 15 * 60_000;
const WAIT_MS = 120_000;
const claimKey = (db: number) => `clubhouse-test:redis-db:${db}`;

export async function claimRedisDb(): Promise<ClaimedRedisDb> {
  const registry = new Redis({ host: HOST, port: PORT, db: 0, lazyConnect: true });
  await registry.connect();
  const holder = `${process.pid}:${randomUUID()}`;
  const deadline = Date.now() + WAIT_MS;
  try {
    for (;;) {
      const order = Array.from({ length: 15 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      for (const db of order) {
        if ((await registry.set(claimKey(db), holder, "PX", CLAIM_MS, "NX")) !== "OK") continue;
        const data = new Redis({ host: HOST, port: PORT, db, lazyConnect: true });
        await data.connect();
        await data.flushdb();
        data.disconnect();
        return { db, url: `redis://${HOST}:${PORT}/${db}`, release: () => release(db, holder) };
      }
      if (Date.now() > deadline) throw new Error("no Redis database 1–15 was free for two minutes");
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    registry.disconnect();
  }
}

async function release(db: number, holder: string): Promise<void> {
  const registry = new Redis({ host: HOST, port: PORT, db: 0, lazyConnect: true });
  await registry.connect();
  try {
    // Only our own claim: one that expired and was taken by another file stays theirs.
    await registry.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      claimKey(db),
      holder,
    );
  } finally {
    registry.disconnect();
  }
}
