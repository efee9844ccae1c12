import { rowsOf, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, loginAs, type Res, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
let active: { id: string };
let prospect: { id: string };
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "cts");
  other = await makeClub(t.url, "cts-other");
  active = await newCustomer(t.url, c.rep1.token, { name: "Active Co", status: "active" });
  prospect = await newCustomer(t.url, c.rep1.token, { name: "Prospect Co" });
});
afterAll(() => t?.close());

const log = (token: string, body: Record<string, unknown>, key: string = crypto.randomUUID()): Promise<Res<Json>> =>
  call(t.url, "POST", "/contacts", { token, body, headers: { "idempotency-key": key } });

async function logged(token: string, body: Record<string, unknown>) {
  const res = await log(token, body);
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

const countersAgree = async () =>
  expect(await t.db.database.db.transaction((tx) => verifyContactCounters(tx as unknown as Tx))).toEqual([]);

const contactsOf = async (token: string, customerId: string) =>
  (await call(t.url, "GET", `/contacts?customerId=${customerId}&limit=200`, { token })).body.items as Json[];

describe("logging a contact (SPEC §5)", () => {
  it("answers 201 with the contact, classed when logged", async () => {
    const res = await log(c.rep1.token, {
      customerId: active.id,
      channel: "visit",
      occurredAt: "2026-03-15T09:30:00+08:00",
      outcome: "interested",
      notes: "谈了团体会籍续费",
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        "id",
        "target",
        "repId",
        "customerId",
        "channel",
        "outcome",
        "notes",
        "occurredAt",
        "day",
        "month",
        "inPerson",
        "promotionId",
        "voided",
        "createdAt",
        "check",
        "position",
      ].sort(),
    );
    expect(res.body).toMatchObject({
      target: "existing",
      repId: c.rep1.id,
      customerId: active.id,
      channel: "visit",
      outcome: "interested",
      notes: "谈了团体会籍续费",
      occurredAt: "2026-03-15T01:30:00.000Z",
      day: "2026-03-15",
      month: "2026-03",
      inPerson: true,
      voided: false,
    });
    const cu = await call(t.url, "GET", `/customers/${active.id}`, { token: c.rep1.token });
    expect(cu.body.lastInPersonAt).toBe("2026-03-15T01:30:00.000Z");
  });

  it("defaults occurredAt to now and outcome to none; phone and letter are not in person", async () => {
    const phone = await logged(c.rep1.token, { customerId: prospect.id, channel: "phone" });
    expect(phone).toMatchObject({
      occurredAt: t.clock.now().toISOString(),
      outcome: "none",
      notes: null,
      inPerson: false,
      target: "prospect",
    });
    const letter = await logged(c.rep1.token, { customerId: prospect.id, channel: "letter" });
    expect(letter.inPerson).toBe(false);
    const demo = await logged(c.rep1.token, { customerId: prospect.id, channel: "demo" });
    expect(demo.inPerson).toBe(true);
  });

  it("classes by the customer's status now: active → existing; prospect and churned → prospect; dropped refused until reopened", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Lifecycle Co", status: "active" });
    expect((await logged(c.rep1.token, { customerId: cu.id, channel: "visit" })).target).toBe("existing");
    await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.rep1.token, body: { status: "churned" } });
    expect((await logged(c.rep1.token, { customerId: cu.id, channel: "visit" })).target).toBe("prospect");

    const p = await newCustomer(t.url, c.rep1.token, { name: "Dropped Co" });
    expect((await logged(c.rep1.token, { customerId: p.id, channel: "visit" })).target).toBe("prospect");
    await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "dropped" } });
    const refused = await log(c.rep1.token, { customerId: p.id, channel: "visit" });
    expectErrorShape(refused, 422, "rule_violation");
    expect(refused.body.error.fields.customerId).toBe("is dropped");
    expectErrorShape(await log(c.manager.token, { customerId: p.id, channel: "phone" }), 422);
    await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "prospect" } });
    expect((await logged(c.rep1.token, { customerId: p.id, channel: "visit" })).target).toBe("prospect");
    expect((await contactsOf(c.rep1.token, p.id)).length).toBe(2);
  });

  it("a rep logs only on their own customers; a manager on any, as the contact's rep", async () => {
    expectErrorShape(await log(c.rep2.token, { customerId: active.id, channel: "visit" }), 404, "not_found");
    expectErrorShape(await log(other.rep1.token, { customerId: active.id, channel: "visit" }), 404, "not_found");
    expectErrorShape(await log(other.admin.token, { customerId: active.id, channel: "visit" }), 404, "not_found");
    const byManager = await logged(c.manager.token, { customerId: active.id, channel: "demo" });
    expect(byManager).toMatchObject({ repId: c.manager.id, target: "existing" });
  });

  it("validates the body and refuses a contact in the future", async () => {
    const bad = await log(c.rep1.token, { customerId: "nope", channel: "fax", occurredAt: "2026-03-15 10:00", outcome: "maybe", extra: 1 });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["body", "channel", "customerId", "occurredAt", "outcome"]);
    expectErrorShape(await log(c.rep1.token, { customerId: active.id, channel: "visit", notes: "x".repeat(2001) }), 400);
    const future = await log(c.rep1.token, { customerId: active.id, channel: "visit", occurredAt: "2026-03-16T10:00:00+08:00" });
    expectErrorShape(future, 422, "rule_violation");
    expect(future.body.error.fields.occurredAt).toBeDefined();
    expectErrorShape(await log(c.rep1.token, { customerId: crypto.randomUUID(), channel: "visit" }), 404);
  });
});

describe("Idempotency-Key", () => {
  it("is required: a missing, empty or over-long key is a 400 naming the header", async () => {
    const missing = await call(t.url, "POST", "/contacts", { token: c.rep1.token, body: { customerId: active.id, channel: "visit" } });
    expectErrorShape(missing, 400, "validation_failed");
    expect(missing.body.error.fields["Idempotency-Key"]).toBe("is required");
    expectErrorShape(await log(c.rep1.token, { customerId: active.id, channel: "visit" }, "k".repeat(201)), 400);
    expect((await log(c.rep1.token, { customerId: active.id, channel: "visit" }, "k".repeat(200))).status).toBe(201);
  });

  it("a key replayed many times returns the first response and stores one contact", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Replay Seq", status: "active" });
    const key = crypto.randomUUID();
    const body = { customerId: cu.id, channel: "visit", occurredAt: "2026-03-15T08:00:00+08:00", notes: "offline" };
    const first = await log(c.rep1.token, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    t.clock.advance(60_000);
    for (let i = 0; i < 5; i++) {
      const again = await log(c.rep1.token, body, key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
    }
    // the same request written another way (key order, the same instant in UTC) is the same request
    const reordered = await log(
      c.rep1.token,
      { notes: "offline", occurredAt: "2026-03-15T00:00:00Z", channel: "visit", customerId: cu.id },
      key,
    );
    expect(reordered.body).toEqual(first.body);
    expect((await contactsOf(c.rep1.token, cu.id)).map((x: Json) => x.id)).toEqual([first.body.id]);
    await countersAgree();
  });

  it("20 concurrent requests with one key store exactly one contact and all answer the same", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Replay Race", status: "active" });
    const key = crypto.randomUUID();
    const body = { customerId: cu.id, channel: "demo", outcome: "signed" };
    const all = await Promise.all(Array.from({ length: 20 }, () => log(c.rep1.token, body, key)));
    expect(all.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const r of all) expect(r.body).toEqual(all[0]!.body);
    expect(all.filter((r) => r.headers.get("idempotent-replayed") === null).length).toBe(1);
    const stored = await contactsOf(c.manager.token, cu.id);
    expect(stored.map((x: Json) => x.id)).toEqual([all[0]!.body.id]);
    const ratio = await call(t.url, "GET", `/reps/${c.rep1.id}/ratio`, { token: c.rep1.token });
    expect(ratio.status).toBe(200);
    await countersAgree();
  });

  it("the same key with another body is a 409 and stores nothing", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Replay Clash", status: "active" });
    const key = crypto.randomUUID();
    expect((await log(c.rep1.token, { customerId: cu.id, channel: "visit" }, key)).status).toBe(201);
    const clash = await log(c.rep1.token, { customerId: cu.id, channel: "phone" }, key);
    expectErrorShape(clash, 409, "conflict");
    expect(clash.body.error.fields["Idempotency-Key"]).toBeDefined();
    const clashes = await Promise.all(
      Array.from({ length: 5 }, (_, i) => log(c.rep1.token, { customerId: cu.id, channel: "visit", notes: `n${i}` }, key)),
    );
    expect(clashes.map((r) => r.status)).toEqual(Array(5).fill(409));
    expect((await contactsOf(c.rep1.token, cu.id)).length).toBe(1);
  });

  it("keys belong to one user: another user's same key is a new request", async () => {
    const key = crypto.randomUUID();
    const a = await log(c.rep1.token, { customerId: active.id, channel: "phone" }, key);
    const b = await log(c.manager.token, { customerId: active.id, channel: "phone" }, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it("a refused request stores no key: it can be retried once the cause is fixed", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Retry Later" });
    await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "dropped" } });
    const key = crypto.randomUUID();
    expectErrorShape(await log(c.rep1.token, { customerId: p.id, channel: "visit" }, key), 422);
    await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "prospect" } });
    const ok = await log(c.rep1.token, { customerId: p.id, channel: "visit" }, key);
    expect(ok.status).toBe(201);
    expect((await log(c.rep1.token, { customerId: p.id, channel: "visit" }, key)).body).toEqual(ok.body);
  });
});

describe("listing and voiding", () => {
  it("a rep lists only their own contacts; another rep's or club's answer 404 or nothing", async () => {
    const mine = await contactsOf(c.rep1.token, active.id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x: Json) => x.repId === c.rep1.id)).toBe(true);
    const all = await contactsOf(c.manager.token, active.id);
    expect(all.some((x: Json) => x.repId === c.manager.id)).toBe(true);
    expectErrorShape(await call(t.url, "GET", `/contacts?repId=${c.rep1.id}`, { token: c.rep2.token }), 404);
    expect((await call(t.url, "GET", "/contacts", { token: c.rep2.token })).body.items).toEqual([]);
    expect((await call(t.url, "GET", `/contacts?customerId=${active.id}`, { token: other.admin.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", `/contacts/${mine[0].id}`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/contacts/${mine[0].id}`, { token: other.admin.token }), 404);
    expect((await call(t.url, "GET", `/contacts/${mine[0].id}`, { token: c.rep1.token })).body.id).toBe(mine[0].id);
  });

  it("pages newest first and filters by month", async () => {
    const cu = await newCustomer(t.url, c.rep2.token, { name: "Paging Co", status: "active" });
    for (const d of ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03"])
      await logged(c.rep2.token, { customerId: cu.id, channel: "phone", occurredAt: `${d}T12:00:00+08:00` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Res<Json> = await call(t.url, "GET", `/contacts?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: c.rep2.token });
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((x: Json) => x.day));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["2026-03-03", "2026-03-02", "2026-03-01", "2026-02-28", "2026-02-27"]);
    const feb = await call(t.url, "GET", "/contacts?month=2026-02", { token: c.rep2.token });
    expect(feb.body.items.map((x: Json) => x.day)).toEqual(["2026-02-28", "2026-02-27"]);
    expectErrorShape(await call(t.url, "GET", "/contacts?month=2026-13", { token: c.rep2.token }), 400);
    expectErrorShape(await call(t.url, "GET", "/contacts?cursor=garbage", { token: c.rep2.token }), 400);
  });

  it("voids once with a reason, by the rep who logged it or a manager; the counters and last in-person contact follow", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Void Co", status: "active" });
    const early = await logged(c.rep1.token, { customerId: cu.id, channel: "visit", occurredAt: "2026-03-10T10:00:00+08:00" });
    const late = await logged(c.rep1.token, { customerId: cu.id, channel: "visit", occurredAt: "2026-03-12T10:00:00+08:00" });
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token })).body.lastInPersonAt).toBe(late.occurredAt);

    expectErrorShape(await call(t.url, "POST", `/contacts/${late.id}/void`, { token: c.rep2.token, body: { reason: "not mine" } }), 404);
    expectErrorShape(
      await call(t.url, "POST", `/contacts/${late.id}/void`, { token: other.admin.token, body: { reason: "not ours" } }),
      404,
    );
    expectErrorShape(await call(t.url, "POST", `/contacts/${late.id}/void`, { token: c.rep1.token, body: {} }), 400);
    const v = await call(t.url, "POST", `/contacts/${late.id}/void`, { token: c.rep1.token, body: { reason: "wrong customer" } });
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ id: late.id, voided: true, voidReason: "wrong customer", voidedBy: c.rep1.id });
    expectErrorShape(
      await call(t.url, "POST", `/contacts/${late.id}/void`, { token: c.manager.token, body: { reason: "again" } }),
      409,
      "conflict",
    );
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token })).body.lastInPersonAt).toBe(early.occurredAt);
    const m = await call(t.url, "POST", `/contacts/${early.id}/void`, { token: c.manager.token, body: { reason: "entered twice" } });
    expect(m.body.voidedBy).toBe(c.manager.id);
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token })).body.lastInPersonAt).toBeNull();
    const listed = await contactsOf(c.rep1.token, cu.id);
    expect(listed.map((x: Json) => x.voided)).toEqual([true, true]);
    await countersAgree();
  });

  it("racing voids: one 200, the rest 409", async () => {
    const x = await logged(c.rep1.token, { customerId: active.id, channel: "visit", occurredAt: "2026-03-01T10:00:00+08:00" });
    const all = await Promise.all(
      Array.from({ length: 6 }, () => call(t.url, "POST", `/contacts/${x.id}/void`, { token: c.rep1.token, body: { reason: "race" } })),
    );
    expect(all.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    await countersAgree();
  });

  it("a void replayed with its Idempotency-Key answers like the first; without one, a second void is a 409", async () => {
    const x = await logged(c.rep1.token, { customerId: active.id, channel: "demo", occurredAt: "2026-03-02T10:00:00+08:00" });
    const key = crypto.randomUUID();
    const voidIt = (reason: string, k?: string) =>
      call(t.url, "POST", `/contacts/${x.id}/void`, { token: c.rep1.token, body: { reason }, headers: k ? { "idempotency-key": k } : {} });
    const first = await voidIt("offline mistake", key);
    expect(first.status).toBe(200);
    const again = await voidIt("offline mistake", key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expectErrorShape(await voidIt("another reason", key), 409);
    expectErrorShape(await voidIt("offline mistake"), 409);
    await countersAgree();
  });
});

describe("the 1:3 ratio (SPEC §5)", () => {
  const ratio = (token: string, repId: string, q = "") => call(t.url, "GET", `/reps/${repId}/ratio${q}`, { token });

  it("counts in-person contacts only, by class, in the club month; voided ones drop out", async () => {
    const rep = c.rep2;
    const a = await newCustomer(t.url, rep.token, { name: "Ratio Active", status: "active" });
    const p = await newCustomer(t.url, rep.token, { name: "Ratio Prospect" });
    const at = (d: string) => `2026-01-${d}T10:00:00+08:00`;
    expect((await ratio(rep.token, rep.id, "?month=2026-01")).body).toEqual({
      existing: 0,
      prospect: 0,
      required: 0,
      shortfall: 0,
      compliant: true,
    });
    const ex: Json[] = [];
    for (const [ch, d] of [
      ["visit", "05"],
      ["visit", "06"],
      ["visit", "07"],
      ["demo", "08"],
    ] as const)
      ex.push(await logged(rep.token, { customerId: a.id, channel: ch, occurredAt: at(d) }));
    await logged(rep.token, { customerId: a.id, channel: "phone", occurredAt: at("09") });
    await logged(rep.token, { customerId: a.id, channel: "letter", occurredAt: at("09") });
    await logged(rep.token, { customerId: p.id, channel: "visit", occurredAt: at("10") });
    await logged(rep.token, { customerId: p.id, channel: "phone", occurredAt: at("10") });
    const r1 = await ratio(rep.token, rep.id, "?month=2026-01");
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ existing: 4, prospect: 1, required: 2, shortfall: 1, compliant: false });
    await logged(rep.token, { customerId: p.id, channel: "demo", occurredAt: at("11") });
    expect((await ratio(rep.token, rep.id, "?month=2026-01")).body).toEqual({
      existing: 4,
      prospect: 2,
      required: 2,
      shortfall: 0,
      compliant: true,
    });
    await call(t.url, "POST", `/contacts/${ex[0].id}/void`, { token: rep.token, body: { reason: "duplicate" } });
    expect((await ratio(rep.token, rep.id, "?month=2026-01")).body).toEqual({
      existing: 3,
      prospect: 2,
      required: 1,
      shortfall: 0,
      compliant: true,
    });
    // a custom period of club days gives the same as the month
    expect((await ratio(rep.token, rep.id, "?from=2026-01-01&to=2026-01-31")).body).toEqual({
      existing: 3,
      prospect: 2,
      required: 1,
      shortfall: 0,
      compliant: true,
    });
    expect((await ratio(rep.token, rep.id, "?from=2026-01-06&to=2026-01-09")).body).toEqual({
      existing: 3,
      prospect: 0,
      required: 1,
      shortfall: 1,
      compliant: false,
    });
  });

  it("the month is the club's: 23:30 on the last day counts in that month", async () => {
    const rep = c.rep2;
    const a = await newCustomer(t.url, rep.token, { name: "Boundary Co", status: "active" });
    const before = (await ratio(rep.token, rep.id, "?month=2025-12")).body.existing;
    const x = await logged(rep.token, { customerId: a.id, channel: "visit", occurredAt: "2025-12-31T23:30:00+08:00" });
    expect(x).toMatchObject({ day: "2025-12-31", month: "2025-12" });
    const y = await logged(rep.token, { customerId: a.id, channel: "visit", occurredAt: "2025-12-31T16:30:00Z" });
    expect(y).toMatchObject({ day: "2026-01-01", month: "2026-01" });
    expect((await ratio(rep.token, rep.id, "?month=2025-12")).body.existing).toBe(before + 1);
  });

  it("defaults to the current club month", async () => {
    const r = await ratio(c.rep1.token, c.rep1.id);
    const m = await ratio(c.rep1.token, c.rep1.id, "?month=2026-03");
    expect(r.body).toEqual(m.body);
    expect(r.body.existing).toBeGreaterThan(0);
  });

  it("a rep reads only their own; managers any rep of the club; others 404", async () => {
    expectErrorShape(await ratio(c.rep1.token, c.rep2.id), 404, "not_found");
    expect((await ratio(c.manager.token, c.rep2.id)).status).toBe(200);
    expect((await ratio(c.admin.token, c.rep1.id)).status).toBe(200);
    expectErrorShape(await ratio(other.admin.token, c.rep1.id), 404);
    expectErrorShape(await ratio(c.manager.token, crypto.randomUUID()), 404);
    expectErrorShape(await ratio(c.manager.token, "not-an-id"), 400);
    expectErrorShape(await ratio(c.manager.token, c.rep1.id, "?month=2026-3"), 400);
    expectErrorShape(await ratio(c.manager.token, c.rep1.id, "?from=2026-03-01"), 400);
    expectErrorShape(await ratio(c.manager.token, c.rep1.id, "?from=2026-03-05&to=2026-03-01"), 400);
    expectErrorShape(await ratio(c.manager.token, c.rep1.id, "?month=2026-03&from=2026-03-01&to=2026-03-02"), 400);
  });
});

describe("counters: per day and per month (rep_day_contacts, rep_month_contacts)", () => {
  const monthRows = async (repId: string) =>
    rowsOf<Json>(
      await t.db.database.db.execute(sql`
        select month, existing_in_person, prospect_in_person, visits, demos, calls, letters
        from rep_month_contacts where rep_id = ${repId} order by month`),
    );

  it("each contact and void updates both in its transaction; both agree with the contacts and feed the board", async () => {
    const rep = await addUser(t.url, c.admin.token, "rep", "rep3@cts.test", "rep three pass 3");
    const token = await loginAs(t.url, "cts", "rep3@cts.test", "rep three pass 3");
    const a = await newCustomer(t.url, token, { name: "Counter Active", status: "active" });
    const p = await newCustomer(t.url, token, { name: "Counter Prospect" });
    // two days of February, two days of March
    const feb1 = await logged(token, { customerId: a.id, channel: "visit", occurredAt: "2026-02-10T10:00:00+08:00" });
    await logged(token, { customerId: a.id, channel: "phone", occurredAt: "2026-02-10T11:00:00+08:00" });
    await logged(token, { customerId: p.id, channel: "demo", occurredAt: "2026-02-20T10:00:00+08:00" });
    await logged(token, { customerId: p.id, channel: "letter", occurredAt: "2026-02-20T11:00:00+08:00" });
    await logged(token, { customerId: a.id, channel: "visit", occurredAt: "2026-02-28T23:30:00+08:00" });
    await logged(token, { customerId: a.id, channel: "visit", occurredAt: "2026-03-05T10:00:00+08:00" });
    await logged(token, { customerId: p.id, channel: "visit", occurredAt: "2026-03-06T10:00:00+08:00" });
    await countersAgree();
    expect((await call(t.url, "POST", `/contacts/${feb1.id}/void`, { token, body: { reason: "wrong day" } })).status).toBe(200);
    await countersAgree();
    expect(await monthRows(rep.id)).toEqual([
      { month: "2026-02", existing_in_person: 1, prospect_in_person: 1, visits: 1, demos: 1, calls: 1, letters: 1 },
      { month: "2026-03", existing_in_person: 1, prospect_in_person: 1, visits: 2, demos: 0, calls: 0, letters: 0 },
    ]);
    const contactsOn = async (q: string) => {
      const res = await call(t.url, "GET", `/leaderboard${q}`, { token: c.manager.token });
      expect(res.status).toBe(200);
      return res.body.rows.find((r: Json) => r.repId === rep.id).contacts;
    };
    expect(await contactsOn("?period=month&at=2026-02")).toEqual({
      inPerson: 2,
      existing: 1,
      prospect: 1,
      visits: 1,
      demos: 1,
      calls: 1,
      letters: 1,
    });
    expect(await contactsOn("?period=quarter&at=2026-03")).toEqual({
      inPerson: 4,
      existing: 2,
      prospect: 2,
      visits: 3,
      demos: 1,
      calls: 1,
      letters: 1,
    });
    expect(await contactsOn("?period=year&at=2026-03")).toEqual(await contactsOn("?period=quarter&at=2026-01"));
    expect(await contactsOn("?period=month&at=2026-04")).toMatchObject({ inPerson: 0, visits: 0 });
  });

  it("concurrent contacts and voids on the same rep's days and month neither deadlock nor lose a count", async () => {
    const customers = [
      await newCustomer(t.url, c.rep2.token, { name: "Race A", status: "active" }),
      await newCustomer(t.url, c.rep2.token, { name: "Race B", status: "active" }),
      await newCustomer(t.url, c.rep2.token, { name: "Race C" }),
    ];
    const days = ["2026-03-07", "2026-03-08", "2026-03-09"];
    const first = await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        logged(c.rep2.token, { customerId: customers[i % 3]!.id, channel: "visit", occurredAt: `${days[(i * 2) % 3]}T10:00:00+08:00` }),
      ),
    );
    const more = Array.from({ length: 9 }, (_, i) =>
      log(c.rep2.token, { customerId: customers[(i + 1) % 3]!.id, channel: "demo", occurredAt: `${days[i % 3]}T12:00:00+08:00` }),
    );
    const voids = first
      .slice(0, 5)
      .map((x) => call(t.url, "POST", `/contacts/${x.id}/void`, { token: c.rep2.token, body: { reason: "race" } }));
    const results = await Promise.all([...more, ...voids]);
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(200), ...Array(9).fill(201)]);
    await countersAgree();
  });

  it("the check names a month row that disagrees", async () => {
    const db = t.db.database.db;
    const drift = await db
      .transaction(async (tx) => {
        await tx.execute(sql`update rep_month_contacts set visits = visits + 1 where rep_id = ${c.rep1.id} and month = '2026-03'`);
        const found = await verifyContactCounters(tx as unknown as Tx);
        throw Object.assign(new Error("roll back"), { found });
      })
      .catch((e: { found?: Json[] }) => e.found);
    expect(drift).toEqual([{ counter: "rep_month_contacts", rep_id: c.rep1.id, day: null, month: "2026-03" }]);
    await countersAgree();
  });
});

describe("keys expire", () => {
  it("after 30 days the purge forgets a key; a later replay logs anew", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Old Key Co", status: "active" });
    const key = crypto.randomUUID();
    const body = { customerId: cu.id, channel: "visit", occurredAt: "2026-03-15T09:00:00+08:00" };
    const first = await log(c.rep1.token, body, key);
    t.clock.advance(29 * 86_400_000);
    await runJobsOnce(t.server.deps, ["idempotency-purge"]);
    // sessions expire when idle; the same user signs in again
    const token = await loginAs(t.url, "cts", "rep1@cts.test", "rep one pass 1");
    expect((await log(token, body, key)).body).toEqual(first.body);
    t.clock.advance(2 * 86_400_000);
    await runJobsOnce(t.server.deps, ["idempotency-purge"]);
    const again = await log(await loginAs(t.url, "cts", "rep1@cts.test", "rep one pass 1"), body, key);
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
  });
});
