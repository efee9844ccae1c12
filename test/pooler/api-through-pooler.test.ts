import { createDb, type Database, rowsOf, sql, type Tx } from "@clubhouse/db";
import { FixedClock, type RunningServer, startServer, testConfig } from "@clubhouse/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json } from "../support/harness.ts";
import { emptyDatabase, type PgBouncer, pgbouncerAvailable, pgbouncerVersion, startPgBouncer } from "../support/pgbouncer.ts";

// Two server processes' worth of servers (stateless, one database) served through
// PgBouncer in transaction mode with the README's settings: DATABASE_URL through the
// pooler, DB_PREPARE=off (PgBouncer before 1.21), migrations over DATABASE_MIGRATE_URL
// straight to PostgreSQL (their lock is a session's, which the pooler does not keep).

const available = pgbouncerAvailable();

let bouncer: PgBouncer;
let target: Awaited<ReturnType<typeof emptyDatabase>>;
let servers: RunningServer[] = [];
let direct: Database;
const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));
let clubs: Club[];

const start = () =>
  startServer(
    testConfig({
      PORT: 0,
      HOST: "127.0.0.1",
      DATABASE_URL: bouncer.url(target.name),
      DATABASE_MIGRATE_URL: target.url,
      DB_PREPARE: "off",
      DB_POOL_SIZE: 6,
    }),
    { clock },
  );

beforeAll(async () => {
  if (!available) return;
  target = await emptyDatabase();
  // Two server connections to the database for the two servers' twelve client connections.
  bouncer = await startPgBouncer({ defaultPoolSize: 2 });
  // Both start (and migrate) at once: the second waits for the first's lock, then has nothing to do.
  servers = await Promise.all([start(), start()]);
  direct = await createDb({ databaseUrl: target.url, poolSize: 1 });
  clubs = await Promise.all([makeClub(servers[0]!.url, "pooled-a"), makeClub(servers[1]!.url, "pooled-b")]);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await direct?.close();
  await bouncer?.stop();
  await target?.drop();
});

const url = (k: number) => servers[k % servers.length]!.url;

describe.skipIf(!available)("the API through PgBouncer (transaction mode, DB_PREPARE=off)", () => {
  it("two clubs write at once from both servers: each sees only its own, retries write nothing twice, totals equal the ledger", async () => {
    const customers = await Promise.all(
      clubs.map(async (c, i) => ({
        r1: await newCustomer(url(i), c.rep1.token, { name: `${c.slug} 一号客户`, status: "active" }),
        r2: await newCustomer(url(i + 1), c.rep2.token, { name: `${c.slug} 二号客户`, status: "active" }),
      })),
    );
    // Each rep: 8 revenue entries and 8 contacts, every one sent twice with its Idempotency-Key,
    // alternating between the servers, all clubs and reps at once.
    const writes: Promise<void>[] = [];
    clubs.forEach((c, i) => {
      for (const [rep, customer, base] of [
        [c.rep1, customers[i]!.r1, 100 * (i + 1)],
        [c.rep2, customers[i]!.r2, 10 * (i + 1)],
      ] as const) {
        for (let k = 0; k < 8; k++) {
          const revenueKey = crypto.randomUUID();
          const contactKey = crypto.randomUUID();
          const revenue = {
            customerId: customer.id,
            amount: base + k,
            businessLine: "membership",
            occurredAt: "2026-03-14T12:00:00+08:00",
          };
          const contact = { customerId: customer.id, channel: "visit" };
          writes.push(
            (async () => {
              const sent = await Promise.all(
                [0, 1].map((n) =>
                  call(url(k + n), "POST", "/revenue", { token: rep.token, body: revenue, headers: { "Idempotency-Key": revenueKey } }),
                ),
              );
              for (const r of sent) expect(r.status).toBe(201);
              expect(sent[1]!.body.id).toBe(sent[0]!.body.id);
            })(),
            (async () => {
              const sent = await Promise.all(
                [0, 1].map((n) =>
                  call(url(k + n + 1), "POST", "/contacts", {
                    token: rep.token,
                    body: contact,
                    headers: { "Idempotency-Key": contactKey },
                  }),
                ),
              );
              for (const r of sent) expect(r.status).toBe(201);
              expect(sent[1]!.body.id).toBe(sent[0]!.body.id);
            })(),
          );
        }
      }
    });
    await Promise.all(writes);

    const sum = (base: number) => Array.from({ length: 8 }, (_, k) => base + k).reduce((a, b) => a + b, 0);
    for (const [i, c] of clubs.entries()) {
      const own = new Set([c.rep1.id, c.rep2.id, c.manager.id, c.admin.id]);
      for (const k of [0, 1]) {
        const board = await call(url(i + k), "GET", "/leaderboard?period=month&at=2026-03", { token: c.manager.token });
        expect(board.status).toBe(200);
        for (const row of board.body.rows as Json[]) expect(own.has(row.repId)).toBe(true);
        const byRep = new Map((board.body.rows as Json[]).map((r) => [r.repId, r]));
        expect(byRep.get(c.rep1.id)?.revenue).toBe(sum(100 * (i + 1)));
        expect(byRep.get(c.rep2.id)?.revenue).toBe(sum(10 * (i + 1)));
        expect(byRep.get(c.rep1.id)?.contacts.visits).toBe(8);
        expect(byRep.get(c.rep2.id)?.contacts.visits).toBe(8);

        const list = await call(url(i + k), "GET", "/customers", { token: c.manager.token });
        expect(list.status).toBe(200);
        expect((list.body.items as Json[]).map((x) => x.id).sort()).toEqual([customers[i]!.r1.id, customers[i]!.r2.id].sort());

        const ledger = await call(url(i + k), "GET", `/revenue?customerId=${customers[i]!.r1.id}`, { token: c.manager.token });
        expect(ledger.body.items).toHaveLength(8);
        // Another club's customer is not found from here.
        const other = await call(url(i + k), "GET", `/revenue?customerId=${customers[1 - i]!.r1.id}`, { token: c.manager.token });
        expect(other.status === 404 || (other.status === 200 && other.body.items.length === 0)).toBe(true);

        const quota = await call(url(i + k), "GET", "/quota", { token: c.manager.token });
        expect(quota.status).toBe(200);
        expect(JSON.stringify(quota.body)).not.toContain(clubs[1 - i]!.rep1.id);
      }
    }

    // All of it went through two server connections shared by more client connections.
    expect(pgbouncerVersion()).toMatch(/^PgBouncer \d+\.\d+/);
    const backends = await bouncer.admin<{ database: string }>("SHOW SERVERS");
    expect(backends.filter((x) => x.database === target.name).length).toBeLessThanOrEqual(2);
    const clients = await bouncer.admin<{ database: string }>("SHOW CLIENTS");
    expect(clients.filter((x) => x.database === target.name).length).toBeGreaterThan(2);

    // Checked straight on PostgreSQL, past the pooler: every answered write is there (each once), the maintained totals agree with the ledger and contacts.
    const [stored] = rowsOf<{ revenue: number; contacts: number }>(
      await direct.db.execute(
        sql`select (select count(*)::int from revenue_entries) as revenue, (select count(*)::int from contacts) as contacts`,
      ),
    );
    expect(stored).toEqual({ revenue: 32, contacts: 32 });
    expect(await direct.db.transaction((tx) => verifyTotals(tx as unknown as Tx))).toEqual({ customers: [], reps: [] });
    expect(await direct.db.transaction((tx) => verifyContactCounters(tx as unknown as Tx))).toEqual([]);
  });
});
