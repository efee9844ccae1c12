/**
 * A contact's Idempotency-Key is stored with its answer when the contact is written
 * (contacts/service.ts, writes/idempotency.ts readKeys/storeKeys), not claimed first.
 * Here the same key arrives at once through several server processes' write groups:
 * each "process" is a copy of the app's deps, so it groups its writes on its own and
 * its transactions race the others' on one database, as two server processes would.
 */
import { rowsOf, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logContact, verifyContactCounters } from "../../server/src/contacts/service.ts";
import type { Actor, Deps, ServiceContext } from "../../server/src/deps.ts";
import { DomainError } from "../../server/src/errors.ts";
import { statusOf } from "../../server/src/http/errors.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let processes: Deps[];
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "keys");
  processes = Array.from({ length: 4 }, () => ({ ...t.server.deps }));
});
afterAll(() => t?.close());

const rep1 = (deps: Deps): ServiceContext => ({
  deps,
  tenantId: c.tenantId,
  actor: { kind: "user", id: c.rep1.id, role: "rep" } as Actor,
});
const status = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? 201 : r.reason instanceof DomainError ? statusOf(r.reason) : (r.reason as Error).message;
const inTx = <T>(fn: (tx: Tx) => Promise<T>) => t.db.database.db.transaction((tx) => fn(tx as unknown as Tx));
const contactsOf = async (customerId: string) =>
  (await call(t.url, "GET", `/contacts?customerId=${customerId}&limit=200`, { token: c.manager.token })).body.items as Json[];
const keysStored = async (key: string) =>
  rowsOf<{ n: number }>(await inTx((tx) => tx.execute(sql`select count(*)::int as n from idempotency_keys where key = ${key}`)))[0]!.n;

describe("a contact's key across write groups and processes", () => {
  it("one key sent at once through four processes, five times each: one contact, one answer, counters agree", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Race Co", status: "active" });
    const key = crypto.randomUUID();
    const body = { customerId: cu.id, channel: "visit" as const, outcome: "interested" as const };
    const out = await Promise.allSettled(processes.flatMap((deps) => Array.from({ length: 5 }, () => logContact(rep1(deps), key, body))));
    expect(out.map(status)).toEqual(Array(20).fill(201));
    const values = out.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof logContact>>>).value);
    expect(values.filter((v) => !v.replayed).length).toBe(1);
    for (const v of values) expect(v.body).toEqual(values[0]!.body);
    expect((await contactsOf(cu.id)).map((x) => x.id)).toEqual([values[0]!.body.id]);
    expect(await keysStored(key)).toBe(1);
    expect(await inTx((tx) => verifyContactCounters(tx))).toEqual([]);
  });

  it("one key with four different bodies at once (four customers, four processes): one contact, the rest 409, nothing else counted", async () => {
    const customers = await Promise.all(
      [0, 1, 2, 3].map((i) => newCustomer(t.url, c.rep1.token, { name: `Clash ${i} Co`, status: i % 2 ? "prospect" : "active" })),
    );
    const key = crypto.randomUUID();
    const out = await Promise.allSettled(
      processes.map((deps, i) => logContact(rep1(deps), key, { customerId: customers[i]!.id, channel: "demo" })),
    );
    expect(out.map(status).sort()).toEqual([201, 409, 409, 409]);
    const logged = (await Promise.all(customers.map((cu) => contactsOf(cu.id)))).flat();
    expect(logged.length).toBe(1);
    expect(await keysStored(key)).toBe(1);
    expect(await inTx((tx) => verifyContactCounters(tx))).toEqual([]);
    // the stored answer is the contact that was written
    const again = await logContact(rep1(processes[0]!), key, { customerId: logged[0]!.customerId as string, channel: "demo" });
    expect(again).toMatchObject({ replayed: true, body: { id: logged[0]!.id } });
  });

  it("many keys at once through four processes, each sent twice: every contact once, counters and cadence agree", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Busy Co", status: "active" });
    const keys = Array.from({ length: 12 }, () => crypto.randomUUID());
    const at = (i: number) => new Date(Date.parse("2026-03-15T01:00:00Z") + i * 60_000).toISOString();
    const out = await Promise.all(
      [0, 1].flatMap((round) =>
        keys.map((key, i) =>
          logContact(rep1(processes[(i + round) % processes.length]!), key, {
            customerId: cu.id,
            channel: i % 3 === 0 ? "phone" : "visit",
            occurredAt: at(i),
          }),
        ),
      ),
    );
    expect(out.filter((v) => !v.replayed).length).toBe(keys.length);
    keys.forEach((_, i) => {
      expect(out[i]!.body).toEqual(out[i + keys.length]!.body);
    });
    expect((await contactsOf(cu.id)).length).toBe(keys.length);
    expect(await inTx((tx) => verifyContactCounters(tx))).toEqual([]);
    const customer = await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token });
    // the latest in-person one: i = 11 is a visit
    expect(customer.body.lastInPersonAt).toBe(at(11));
  });
});
