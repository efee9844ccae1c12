import { auditEvents, contacts, customers, rowsOf, sql, type Tx, visitPlans, withTenant } from "@clubhouse/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { quotaBoardSource } from "../../server/src/leaderboard/boards.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, TEST_DB, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "handover");
  other = await makeClub(t.url, "handover-other");
});
afterAll(() => t?.close());

let seq = 0;
const rep = (club: Club = c) => addPerson(t.url, club.manager.token, club.slug, "rep", `hrep${++seq}`);
const handover = (token: string, fromId: string, body: Record<string, unknown>) =>
  call(t.url, "POST", `/reps/${fromId}/handover`, { token, body });
const owned = async (token: string, repId: string): Promise<Json[]> =>
  (await call(t.url, "GET", `/customers?ownerId=${repId}&limit=200`, { token })).body.items;
const visit = (token: string, customerId: string) =>
  call(t.url, "POST", "/contacts", { token, headers: { "idempotency-key": crypto.randomUUID() }, body: { customerId, channel: "visit" } });
/** The managers' part of the live boards, as the server computes it at each recompute. */
const boardUnowned = async () => (await quotaBoardSource(t.server.deps).snapshot(c.tenantId)).managers.unowned;
const disable = async (id: string) =>
  expect((await call(t.url, "PATCH", `/users/${id}`, { token: c.manager.token, body: { disabled: true } })).status).toBe(200);

describe("POST /reps/:id/handover", () => {
  it("moves the whole book in one action — customers, open plans, prospects in review, open complaints — with history, audit, and revenue credited by when it happened", async () => {
    const old = await rep();
    const heir = await rep();
    const a = await newCustomer(t.url, old.token, { name: "华润置地", status: "active" });
    const b = await newCustomer(t.url, old.token, { name: "中信银行", status: "active" });
    const p = await newCustomer(t.url, old.token, { name: "国贸大酒店" }); // a prospect, visited three times: waits in review
    for (let i = 0; i < 3; i++) expect((await visit(old.token, p.id)).status).toBe(201);
    expect((await call(t.url, "GET", "/prospects/review", { token: c.manager.token })).body.items.map((x: Json) => x.customerId)).toContain(
      p.id,
    );
    const complaint = await call(t.url, "POST", "/complaints", {
      token: old.token,
      body: { customerId: a.id, channel: "phone", summary: "空调坏了" },
    });
    expect(complaint.status).toBe(201);
    const future = await call(t.url, "POST", "/plans", { token: old.token, body: { customerId: b.id, day: "2026-03-17" } });
    const today = await call(t.url, "POST", "/plans", { token: old.token, body: { customerId: a.id, day: "2026-03-15" } });
    expect([future.status, today.status]).toEqual([201, 201]);
    const before = await addRevenue(t.url, c.manager.token, { customerId: a.id, amount: 800, occurredAt: "2026-03-10T10:00:00+08:00" });
    expect(before.repId).toBe(old.id);
    await disable(old.id);

    // the disabled rep's customers are listed as unowned, and the managers' board counts them
    const unowned = await call(t.url, "GET", "/customers?unowned=true&limit=200", { token: c.manager.token });
    expect(unowned.status).toBe(200);
    expect((unowned.body.items as Json[]).map((x) => x.id).sort()).toEqual([a.id, b.id, p.id].sort());
    expect(unowned.body.total).toBe(3);
    expect(await boardUnowned()).toBe(3);

    // a preview answers the same counts and moves nothing
    const body = { to: { repId: heir.id }, reason: "张伟离职，客户交接" };
    const preview = await handover(c.manager.token, old.id, { ...body, preview: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ preview: true, moved: { customers: 3, plans: 2, prospects: 1, complaints: 1 } });
    expect(await owned(c.manager.token, old.id)).toHaveLength(3);

    const res = await handover(c.manager.token, old.id, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fromRepId: old.id,
      preview: false,
      moved: { customers: 3, plans: 2, prospects: 1, complaints: 1 },
      kept: { prospects: 0, complaints: 0 },
      receivers: [{ repId: heir.id, customers: 3, plans: 2, prospects: 1, complaints: 1 }],
    });
    // nothing is left with the old rep; the unowned list is empty
    expect(await owned(c.manager.token, old.id)).toEqual([]);
    expect((await owned(c.manager.token, heir.id)).map((x) => x.id).sort()).toEqual([a.id, b.id, p.id].sort());
    const after = await call(t.url, "GET", "/customers?unowned=true", { token: c.manager.token });
    expect(after.body.total).toBe(0);
    expect(await boardUnowned()).toBe(0);
    // plans moved to the heir; the prospect waits in review under the heir; the complaint is the heir's customer's
    const plans = await call(t.url, "GET", `/plans?repId=${heir.id}`, { token: c.manager.token });
    expect((plans.body.items as Json[]).map((x) => x.customerId).sort()).toEqual([a.id, b.id].sort());
    expect((await call(t.url, "GET", `/plans?repId=${old.id}`, { token: c.manager.token })).body.items).toEqual([]);
    const queue = (await call(t.url, "GET", "/prospects/review", { token: c.manager.token })).body.items as Json[];
    expect(queue.find((x) => x.customerId === p.id)?.ownerId).toBe(heir.id);
    const open = await call(t.url, "GET", `/complaints?status=open&limit=200`, { token: heir.token });
    expect((open.body.items as Json[]).map((x) => x.id)).toContain(complaint.body.id);
    // history on every customer: who handed it to whom, when and why
    for (const id of [a.id, b.id, p.id]) {
      const h = (await call(t.url, "GET", `/customers/${id}/history`, { token: c.manager.token })).body.items as Json[];
      const entry = h.filter((x) => x.kind === "handed_over");
      expect(entry).toHaveLength(1);
      expect(entry[0]).toMatchObject({
        actorId: c.manager.id,
        changes: [
          { field: "ownerId", old: old.id, new: heir.id },
          { field: "reason", old: null, new: "张伟离职，客户交接" },
        ],
      });
      expect(typeof entry[0].at).toBe("string");
    }
    // revenue booked before stays the old rep's; from the handover on the heir is credited
    const ledger = (await call(t.url, "GET", `/revenue?customerId=${a.id}`, { token: c.manager.token })).body.items as Json[];
    expect(ledger.find((x) => x.id === before.id)?.repId).toBe(old.id);
    t.clock.advance(60_000);
    const later = await addRevenue(t.url, c.manager.token, { customerId: a.id, amount: 500, occurredAt: "2026-03-15T10:00:30+08:00" });
    expect(later.repId).toBe(heir.id);
    // money that happened before the handover, booked only now, is still the old rep's
    const late = await addRevenue(t.url, c.manager.token, { customerId: a.id, amount: 300, occurredAt: "2026-03-12T10:00:00+08:00" });
    expect(late.repId).toBe(old.id);
    // the new owner logs contacts; the move is audited
    expect((await visit(heir.token, a.id)).status).toBe(201);
    const audited = await withTenant(t.server.deps.database, c.tenantId, (tx) =>
      tx
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "customers.handed_over"), eq(auditEvents.entityId, old.id))),
    );
    expect(audited).toHaveLength(1);
    expect(audited[0]!.actorId).toBe(c.manager.id);
  });

  it("spreads by count (round-robin) and by tier (each tier evenly), and moves only chosen customers when named", async () => {
    const old = await rep();
    const [r1, r2, r3] = [await rep(), await rep(), await rep()];
    // February's spend makes the tiers of March: A ≥ ¥10,000, B ≥ ¥5,000, else C
    const spends = [12000, 11000, 10500, 6000, 5500, 100, 200, 300, 400];
    const made: Json[] = [];
    for (const [i, amount] of spends.entries()) {
      const cu = await newCustomer(t.url, old.token, { name: `客户${String(i).padStart(2, "0")}`, status: "active" });
      await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount, occurredAt: "2026-02-10T10:00:00+08:00" });
      made.push(cu);
    }
    const tiers: Record<string, number> = {};
    for (const x of await owned(c.manager.token, old.id)) tiers[x.tier] = (tiers[x.tier] ?? 0) + 1;
    expect(tiers).toEqual({ A: 3, B: 2, C: 4 });

    // chosen customers only: two of them, by count over two reps
    const chosen = await handover(c.manager.token, old.id, {
      customerIds: [made[7].id, made[8].id],
      to: { spread: { repIds: [r1.id, r2.id], by: "count" } },
      reason: "部分交接",
    });
    expect(chosen.status).toBe(200);
    expect(chosen.body.receivers.map((x: Json) => x.customers)).toEqual([1, 1]);
    expect(await owned(c.manager.token, old.id)).toHaveLength(7);

    // the rest by tier over three reps: each gets one A; the two Bs and two Cs go to different reps
    const res = await handover(c.manager.token, old.id, { to: { spread: { repIds: [r1.id, r2.id, r3.id], by: "tier" } }, reason: "离职" });
    expect(res.status).toBe(200);
    const got = res.body.receivers as Json[];
    expect(got.map((x) => x.repId)).toEqual([r1.id, r2.id, r3.id]);
    for (const x of got) expect(x.tiers.A).toBe(1);
    for (const tier of ["B", "C"]) expect(got.map((x) => x.tiers[tier]).sort()).toEqual([0, 1, 1]);
    const sizes = got.map((x) => x.customers);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(7);
    for (const x of got) expect((await owned(c.manager.token, x.repId)).filter((cu) => cu.tier === "A")).toHaveLength(1);
    expect(await owned(c.manager.token, old.id)).toEqual([]);
  });

  it("keeps prospects in review and customers with open complaints when asked, and leaves plans when plans=false", async () => {
    const old = await rep();
    const heir = await rep();
    const p = await newCustomer(t.url, old.token, { name: "审查中的潜在客户" });
    for (let i = 0; i < 3; i++) expect((await visit(old.token, p.id)).status).toBe(201);
    const q = await newCustomer(t.url, old.token, { name: "投诉中的客户", status: "active" });
    expect(
      (await call(t.url, "POST", "/complaints", { token: old.token, body: { customerId: q.id, channel: "phone", summary: "x" } })).status,
    ).toBe(201);
    const plain = await newCustomer(t.url, old.token, { name: "普通客户", status: "active" });
    expect((await call(t.url, "POST", "/plans", { token: old.token, body: { customerId: plain.id, day: "2026-03-18" } })).status).toBe(201);
    const res = await handover(c.manager.token, old.id, {
      to: { repId: heir.id },
      reason: "在职调整",
      prospects: false,
      complaints: false,
      plans: false,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      moved: { customers: 1, plans: 0, prospects: 0, complaints: 0 },
      kept: { prospects: 1, complaints: 1 },
    });
    expect((await owned(c.manager.token, old.id)).map((x) => x.id).sort()).toEqual([p.id, q.id].sort());
    expect((await call(t.url, "GET", `/plans?repId=${old.id}`, { token: c.manager.token })).body.items).toHaveLength(1);
  });

  it("a team lead hands over within their team only; another club is untouched", async () => {
    const lead = await addPerson(t.url, c.manager.token, c.slug, "lead", "hlead");
    const inA = await rep();
    const inB = await rep();
    const outside = await rep();
    const team = await teamOf(t.url, c.manager.token, { name: "交接组", leadId: lead.id });
    await members(t.url, c.manager.token, team.id, { add: [inA.id, inB.id] });
    const cu = await newCustomer(t.url, inA.token, { name: "组内客户", status: "active" });
    const theirs = await newCustomer(t.url, outside.token, { name: "组外客户", status: "active" });
    // a receiver outside the team is refused as reassign refuses it
    const out = await handover(lead.token, inA.id, { to: { repId: outside.id }, reason: "x" });
    expectErrorShape(out, 422, "rule_violation");
    expect(out.body.error.fieldCodes["to.repId"].code).toBe("not_active_user");
    // a book outside the team is as if absent
    expectErrorShape(await handover(lead.token, outside.id, { to: { repId: inB.id }, reason: "x" }), 404);
    const ok = await handover(lead.token, inA.id, { to: { repId: inB.id }, reason: "组内交接" });
    expect(ok.status).toBe(200);
    expect(ok.body.moved.customers).toBe(1);
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: inB.token })).body.ownerId).toBe(inB.id);
    expect((await call(t.url, "GET", `/customers/${theirs.id}`, { token: c.manager.token })).body.ownerId).toBe(outside.id);

    // another club: its rep is no book of ours, its reps are no receivers, its customers are not ours to name
    const foreign = await newCustomer(t.url, other.rep1.token, { name: "别家客户", status: "active" });
    expectErrorShape(await handover(c.manager.token, other.rep1.id, { to: { repId: c.rep2.id }, reason: "x" }), 404);
    const toForeign = await handover(c.manager.token, outside.id, { to: { repId: other.rep2.id }, reason: "x" });
    expectErrorShape(toForeign, 422, "rule_violation");
    expect(toForeign.body.error.fieldCodes["to.repId"].code).toBe("not_active_user");
    expectErrorShape(
      await handover(c.manager.token, outside.id, { customerIds: [foreign.id], to: { repId: c.rep2.id }, reason: "x" }),
      404,
    );
    expect((await call(t.url, "GET", `/customers/${foreign.id}`, { token: other.manager.token })).body.ownerId).toBe(other.rep1.id);
    // a rep may not hand over at all
    expectErrorShape(await handover(c.rep1.token, c.rep1.id, { to: { repId: c.rep2.id }, reason: "x" }), 403);
  });

  it("refuses bad bodies with 400 and field codes, and rule breaks with 422; nothing moves", async () => {
    const old = await rep();
    const heir = await rep();
    const off = await rep();
    const cu = await newCustomer(t.url, old.token, { name: "待交接", status: "active" });
    const notHis = await newCustomer(t.url, heir.token, { name: "别人的", status: "active" });
    await disable(off.id);
    const bad = async (body: Record<string, unknown>, field: string, code: string) => {
      const res = await handover(c.manager.token, old.id, body);
      expectErrorShape(res, 400, "validation_failed");
      expect(res.body.error.fieldCodes[field]?.code, JSON.stringify(res.body.error.fieldCodes)).toBe(code);
    };
    await bad({ to: { repId: heir.id } }, "reason", "required");
    await bad({ reason: "x" }, "to", "required");
    await bad({ to: {}, reason: "x" }, "to.repId", "one_or_other");
    await bad({ to: { repId: heir.id, spread: { repIds: [heir.id], by: "count" } }, reason: "x" }, "to.spread", "one_or_other");
    await bad({ to: { spread: { repIds: [], by: "count" } }, reason: "x" }, "to.spread.repIds", "too_few_items");
    await bad({ to: { spread: { repIds: [heir.id, heir.id], by: "tier" } }, reason: "x" }, "to.spread.repIds", "repeated");
    await bad({ to: { spread: { repIds: [heir.id], by: "size" } }, reason: "x" }, "to.spread.by", "invalid_choice");
    await bad({ to: { repId: heir.id }, reason: "x", customerIds: ["nope"] }, "customerIds.0", "invalid_format");
    await bad({ to: { repId: heir.id }, reason: "x", plans: "yes" }, "plans", "invalid_type");
    await bad({ to: { repId: heir.id }, reason: "x", extra: 1 }, "body", "unknown_field");
    expectErrorShape(
      await call(t.url, "POST", "/reps/nope/handover", { token: c.manager.token, body: { to: { repId: heir.id }, reason: "x" } }),
      400,
    );

    const rule = async (body: Record<string, unknown>, field: string, code: string) => {
      const res = await handover(c.manager.token, old.id, body);
      expectErrorShape(res, 422, "rule_violation");
      expect(res.body.error.fieldCodes[field]?.code).toBe(code);
    };
    await rule({ to: { repId: old.id }, reason: "x" }, "to.repId", "same_owner");
    await rule({ to: { spread: { repIds: [heir.id, old.id], by: "count" } }, reason: "x" }, "to.spread.repIds", "same_owner");
    await rule({ to: { repId: off.id }, reason: "x" }, "to.repId", "not_active_user");
    await rule({ to: { spread: { repIds: [heir.id, c.manager.id], by: "tier" } }, reason: "x" }, "to.spread.repIds", "not_active_user");
    await rule({ customerIds: [cu.id, notHis.id], to: { repId: c.rep2.id }, reason: "x" }, "customerIds", "not_own");
    expectErrorShape(await handover(c.manager.token, crypto.randomUUID(), { to: { repId: heir.id }, reason: "x" }), 404);
    expect((await owned(c.manager.token, old.id)).map((x) => x.id)).toEqual([cu.id]);
  });

  it("a contact the old rep logs during the handover lands before it or is refused — never half; counters match the ledger", async () => {
    const old = await rep();
    const [h1, h2] = [await rep(), await rep()];
    const book: Json[] = [];
    for (let i = 0; i < 12; i++)
      book.push(await newCustomer(t.url, old.token, { name: `并发客户${String(i).padStart(2, "0")}`, status: "active" }));
    const racing = book.map((cu) => visit(old.token, cu.id));
    const moving = handover(c.manager.token, old.id, { to: { spread: { repIds: [h1.id, h2.id], by: "count" } }, reason: "并发交接" });
    const [answers, res] = await Promise.all([Promise.all(racing), moving]);
    expect(res.status).toBe(200);
    expect(res.body.moved.customers).toBe(12);
    // every answer is whole: logged (201) or refused because the customer is no longer theirs
    for (const a of answers) expect([201, 403, 404, 422]).toContain(a.status);
    const landed = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
    // nothing of the old rep's is left; every customer has exactly one handover entry
    expect(await owned(c.manager.token, old.id)).toEqual([]);
    for (const cu of book) {
      const h = (await call(t.url, "GET", `/customers/${cu.id}/history`, { token: c.manager.token })).body.items as Json[];
      expect(h.filter((x) => x.kind === "handed_over")).toHaveLength(1);
    }
    await withTenant(t.server.deps.database, c.tenantId, async (tx) => {
      // the contacts stored are exactly those answered 201, each the old rep's work on a customer of its book
      const rows = await tx.select().from(contacts).where(eq(contacts.repId, old.id));
      expect(rows.map((r) => r.id).sort()).toEqual([...landed].sort());
      for (const r of rows) expect(book.map((b) => b.id)).toContain(r.customerId);
      expect(await tx.select().from(visitPlans).where(eq(visitPlans.repId, old.id))).toEqual([]);
      expect(await verifyContactCounters(tx as unknown as Tx)).toEqual([]);
    });
    // after the handover the old rep's contacts are refused; the new owners' land
    const after = await visit(old.token, book[0].id);
    expectErrorShape(after, 404);
    const owner = (await call(t.url, "GET", `/customers/${book[0].id}`, { token: c.manager.token })).body.ownerId;
    expect((await visit(owner === h1.id ? h1.token : h2.token, book[0].id)).status).toBe(201);
  });
  // On PostgreSQL the race is made to happen: the handover holds the book's locks (held up
  // by one customer locked elsewhere) while the old rep's contacts queue behind it; they
  // run after its commit and find the customers no longer theirs. (PGlite runs one
  // transaction at a time, so there the contacts run wholly before or after.)
  it.runIf(TEST_DB === "postgres")(
    "contacts queued behind the handover's locks are refused after its commit, none half-written",
    async () => {
      const old = await rep();
      const heir = await rep();
      const book: Json[] = [];
      for (let i = 0; i < 6; i++) book.push(await newCustomer(t.url, old.token, { name: `排队客户${i}`, status: "active" }));
      const last = [...book.map((b) => b.id as string)].sort().at(-1)!;
      let release!: () => void;
      const released = new Promise<void>((r) => {
        release = r;
      });
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      const blocker = withTenant(t.server.deps.database, c.tenantId, async (tx) => {
        await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, last)).for("update");
        locked();
        await released;
      });
      await isLocked;
      const waiting = async () =>
        rowsOf<{ n: number }>(
          await withTenant(t.server.deps.database, c.tenantId, (tx) =>
            tx.execute(
              sql`select count(distinct l.pid)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`,
            ),
          ),
        )[0]!.n;
      const until = async (n: number) => {
        for (let i = 0; i < 400 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 25));
        expect(await waiting()).toBeGreaterThanOrEqual(n);
      };
      const moving = handover(c.manager.token, old.id, { to: { repId: heir.id }, reason: "排队交接" });
      await until(1); // the handover holds every row but the last, and waits for it
      const racing = Promise.all(book.map((cu) => visit(old.token, cu.id)));
      await until(2); // the contacts wait behind the handover's locks
      release();
      await blocker;
      const [res, answers] = await Promise.all([moving, racing]);
      expect(res.status).toBe(200);
      expect(res.body.moved.customers).toBe(6);
      for (const a of answers) expectErrorShape(a, 404);
      await withTenant(t.server.deps.database, c.tenantId, async (tx) => {
        expect(await tx.select().from(contacts).where(eq(contacts.repId, old.id))).toEqual([]);
        expect(await verifyContactCounters(tx as unknown as Tx)).toEqual([]);
      });
      expect(await owned(c.manager.token, old.id)).toEqual([]);
    },
  );
});
