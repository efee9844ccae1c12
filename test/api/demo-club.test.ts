import { createHash } from "node:crypto";
import { tenants, withoutTenant, withTenant } from "@clubhouse/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { DEMO } from "../../server/src/seed/demo.ts";
import { call, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * The demo club (docs/demo.md): made on first start with DEMO_CLUB=on, a year up to
 * "now" in club time, written through the product's own rules. Runs on PGlite and
 * PostgreSQL (test/api/**).
 */

// A day after the pace grace days, so this month's pace is judged too.
const NOW = "2026-11-20T16:30:00+08:00";
const MONTH = "2026-11";
const LAST_CLOSED = "2026-10";

async function startDemo(): Promise<{ ts: TestServer; ms: number }> {
  const t0 = performance.now();
  const ts = await startTestServer({ DEMO_CLUB: "on" }, NOW);
  return { ts, ms: Math.round(performance.now() - t0) };
}

async function demoTenant(ts: TestServer) {
  const [t] = await withoutTenant(ts.server.deps.database, (tx) => tx.select().from(tenants).where(eq(tenants.slug, DEMO.club)), {
    slug: DEMO.club,
  });
  return t!.id;
}

/** A digest of the club's data, ids left out: what two runs with the same clock must agree on. */
async function digest(ts: TestServer) {
  const tenantId = await demoTenant(ts);
  const rows = await withTenant(ts.server.deps.database, tenantId, async (tx) => {
    const q = async (s: ReturnType<typeof sql>) => JSON.stringify((await tx.execute(s)) as unknown);
    return [
      await q(sql`select email, name, role from users order by email`),
      await q(
        sql`select c.name, c.kind, c.status, u.email, c.created_at, c.active_since, c.last_in_person_at from customers c join users u on u.id = c.owner_id order by c.name`,
      ),
      await q(sql`select u.email, r.month, r.amount_fen, r.entries from rep_month_totals r join users u on u.id = r.rep_id order by 1, 2`),
      await q(
        sql`select u.email, m.month, m.existing_in_person, m.prospect_in_person, m.calls from rep_month_contacts m join users u on u.id = m.rep_id order by 1, 2`,
      ),
      await q(sql`select u.email, t.month, t.amount_fen from targets t join users u on u.id = t.rep_id order by 1, 2`),
      await q(
        sql`select a.kind, a.level, u.email, a.raised_at, a.cleared_at, a.acknowledged_at from alarms a left join users u on u.id = a.rep_id order by a.raised_at, u.email, a.kind, a.level`,
      ),
      await q(sql`select u.email, r.month, r.outcome, r.attainment from month_results r join users u on u.id = r.rep_id order by 1, 2`),
      await q(sql`select u.email, d.day, d.submitted_at, d.figures from diaries d join users u on u.id = d.rep_id order by 1, 2`),
      await q(sql`select summary, status, opened_at, resolved_at from complaints order by opened_at`),
    ];
  });
  return createHash("sha256").update(rows.join("\n")).digest("hex");
}

describe("the demo club", () => {
  let ts: TestServer;
  let token: string;
  let reps: Json[];
  let tenantId: string;

  beforeAll(async () => {
    const started = await startDemo();
    ts = started.ts;
    console.log(`demo club seeded and server started in ${started.ms} ms`);
    token = await loginAs(ts.url, DEMO.club, DEMO.manager.email, DEMO.manager.password);
    tenantId = await demoTenant(ts);
    const users = await call(ts.url, "GET", "/users?limit=100", { token });
    expect(users.status).toBe(200);
    reps = (users.body.items as Json[]).filter((u) => u.role === "rep");
  }, 120_000);
  afterAll(async () => {
    await ts?.close();
  });

  const repId = (name: string) => reps.find((r) => r.name === name)!.id as string;

  it("has a manager and eight reps with Chinese names, every listed login working", async () => {
    expect(reps).toHaveLength(8);
    for (const r of reps) expect(r.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    for (const p of [DEMO.admin, DEMO.manager, ...DEMO.reps]) {
      const res = await call(ts.url, "POST", "/auth/login", { body: { club: DEMO.club, email: p.email, password: p.password } });
      expect(res.status, p.email).toBe(200);
    }
  });

  it("holds about 300 customers, groups and individuals, with A/B/C tiers spread", async () => {
    const counts = await withTenant(ts.server.deps.database, tenantId, async (tx) => ({
      kinds: (await tx.execute(sql`select kind, count(*)::int as n from customers group by 1 order by 1`)) as unknown,
      statuses: (await tx.execute(sql`select status, count(*)::int as n from customers group by 1 order by 1`)) as unknown,
      tiers: (await tx.execute(
        sql`select tier, count(*)::int as n from customer_tiers where month = ${LAST_CLOSED} group by 1 order by 1`,
      )) as unknown,
    }));
    const rowsOf = (x: unknown) => ((x as { rows?: Json[] }).rows ?? (x as Json[])) as Json[];
    const by = (x: unknown, k: string) => Object.fromEntries(rowsOf(x).map((r) => [r[k], Number(r.n)]));
    const kinds = by(counts.kinds, "kind");
    expect(kinds.group + kinds.individual).toBe(300);
    expect(kinds.group).toBeGreaterThan(80);
    const statuses = by(counts.statuses, "status");
    expect(statuses.active).toBeGreaterThan(150);
    expect(statuses.prospect).toBeGreaterThan(20);
    expect(statuses.churned).toBeGreaterThan(0);
    expect(statuses.dropped).toBeGreaterThan(0);
    const tiers = by(counts.tiers, "tier");
    expect(tiers.A).toBeGreaterThan(10);
    expect(tiers.B).toBeGreaterThan(20);
    expect(tiers.C).toBeGreaterThan(tiers.A);
    const list = await call(ts.url, "GET", "/customers?limit=5", { token });
    expect(list.status).toBe(200);
    for (const c of list.body.items as Json[]) expect(c.name).toMatch(/[\u4e00-\u9fff]/);
  });

  it("has a year of revenue on the boards, and targets", async () => {
    const year = await call(ts.url, "GET", "/leaderboard?period=year", { token });
    expect(year.status).toBe(200);
    const rows = (year.body.rows ?? year.body.items) as Json[];
    expect(rows.length).toBe(8);
    expect(rows.every((r) => Number(r.revenue) > 0)).toBe(true);
    const month = await call(ts.url, "GET", "/leaderboard", { token });
    expect(((month.body.rows ?? month.body.items) as Json[]).some((r) => Number(r.revenue) > 0)).toBe(true);
    const totals = await withTenant(ts.server.deps.database, tenantId, (tx) =>
      tx.execute(sql`select count(distinct month)::int as months, count(*)::int as entries from revenue_entries`),
    );
    const t = (((totals as { rows?: Json[] }).rows ?? totals) as Json[])[0];
    expect(t.months).toBeGreaterThanOrEqual(12);
    const quota = await call(ts.url, "GET", `/quota?month=${MONTH}`, { token });
    expect(quota.status).toBe(200);
    console.log(`revenue entries: ${t.entries}`);
  });

  it("keeps the ledger and the contact counters verified", async () => {
    const out = await withTenant(ts.server.deps.database, tenantId, async (tx) => ({
      totals: await verifyTotals(tx),
      counters: await verifyContactCounters(tx),
    }));
    expect(out.totals).toEqual({ customers: [], reps: [] });
    expect(out.counters).toEqual([]);
  });

  it("shows verified visits: customers located, most visits at the customer, a few away or without a position", async () => {
    const quota = await call(ts.url, "GET", `/quota?month=${MONTH}`, { token });
    const rows = (quota.body.reps ?? quota.body.items) as Json[];
    const sum = (k: string) => rows.reduce((n, r) => n + Number(r.checks[k]), 0);
    const inPerson = sum("inPerson");
    expect(inPerson).toBeGreaterThan(0);
    expect(sum("onSite") / inPerson).toBeGreaterThan(0.7);
    expect(sum("offSite") + sum("noPosition")).toBeGreaterThan(0);
    const customers = await call(ts.url, "GET", "/customers?limit=5", { token });
    expect((customers.body.items as Json[]).every((c) => c.pin?.source === "manager")).toBe(true);
  });

  it("has reps compliant with 1:3, one behind, and one with an overdue list", async () => {
    const ratio = async (name: string) => {
      const res = await call(ts.url, "GET", `/reps/${repId(name)}/ratio?month=${LAST_CLOSED}`, { token });
      expect(res.status).toBe(200);
      return res.body;
    };
    const champion = await ratio("张伟");
    expect(champion.compliant).toBe(true);
    expect(champion.existing).toBeGreaterThan(0);
    expect((await ratio("陈静")).compliant).toBe(true);
    const behind = await ratio("刘洋");
    expect(behind.compliant).toBe(false);
    expect(behind.shortfall).toBeGreaterThan(0);
    const overdue = await call(ts.url, "GET", `/reps/${repId("孙丽")}/overdue?limit=100`, { token });
    const good = await call(ts.url, "GET", `/reps/${repId("张伟")}/overdue?limit=100`, { token });
    expect(overdue.status).toBe(200);
    const n = (b: Json) => ((b.items ?? b.rows) as Json[]).length;
    expect(n(overdue.body)).toBeGreaterThan(5);
    expect(n(overdue.body)).toBeGreaterThan(n(good.body));
  });

  it("closed its months with one warning, raised alarms and acknowledged some", async () => {
    const closed = await call(ts.url, "GET", `/months/${LAST_CLOSED}/results`, { token });
    expect(closed.status).toBe(200);
    expect(closed.body.closed).toBe(true);
    expect(closed.body.counts).toEqual({ ok: 7, warning: 1, removal: 0 });
    const warned = (closed.body.results as Json[]).find((r) => r.outcome === "warning");
    expect(warned.name).toBe("赵磊");
    const all = await withTenant(ts.server.deps.database, tenantId, (tx) =>
      tx.execute(sql`select kind, count(*)::int as n, count(acknowledged_at)::int as acked,
        count(*) filter (where acknowledged_at is null and cleared_at is null)::int as open from alarms group by 1 order by 1`),
    );
    const kinds = Object.fromEntries(((((all as { rows?: Json[] }).rows ?? all) as Json[]) ?? []).map((r) => [r.kind, r]));
    expect(kinds.pace.n).toBeGreaterThan(3);
    expect(kinds.pace.acked).toBeGreaterThan(0);
    expect(kinds.warning.n).toBe(1);
    expect(kinds.complaint.n).toBe(1);
    const counts = await call(ts.url, "GET", "/alarms/counts", { token });
    expect(counts.status).toBe(200);
    const warnings = await call(ts.url, "GET", "/alarms?status=unacknowledged&limit=50", { token });
    expect((warnings.body.items as Json[]).some((a) => a.kind === "warning" && a.repId === repId("赵磊"))).toBe(true);
    // this month's pace, judged by the real evaluation: the pace rep is well behind
    expect((warnings.body.items as Json[]).some((a) => a.kind === "pace" && a.repId === repId("吴敏"))).toBe(true);
  });

  it("has diaries, some late, a complaint past 48 hours, and plans", async () => {
    const late = await call(ts.url, "GET", "/diary?date=2026-11-18&late=true&limit=50", { token });
    expect(late.status).toBe(200);
    const submitted = await call(ts.url, "GET", "/diary?date=2026-11-18&limit=50", { token });
    expect((submitted.body.items as Json[]).filter((d) => d.submitted).length).toBeGreaterThan(5);
    const lateAny = [];
    for (const day of ["2026-11-19", "2026-11-18", "2026-11-17"]) {
      const res = await call(ts.url, "GET", `/diary?date=${day}&late=true&limit=50`, { token });
      lateAny.push(...(res.body.items as Json[]));
    }
    expect(lateAny.some((d) => d.repId === repId("周杰"))).toBe(true);
    const complaints = await call(ts.url, "GET", "/complaints?limit=50", { token });
    expect(complaints.status).toBe(200);
    const items = complaints.body.items as Json[];
    expect(items.length).toBeGreaterThan(8);
    expect(items.filter((c) => c.overdue && c.status === "open")).toHaveLength(1);
    const plans = await call(ts.url, "GET", `/plans?from=2026-11-13&to=2026-11-27&limit=200`, { token });
    expect(plans.status).toBe(200);
    expect((plans.body.items as Json[]).length).toBeGreaterThan(50);
  });

  it("crowned last year's champions, with certificates", async () => {
    const awards = await call(ts.url, "GET", "/awards/2025", { token });
    expect(awards.status).toBe(200);
    expect(awards.body.final).toBe(true);
    // the cast (docs/demo.md): the three leading reps, in order
    expect([awards.body.champion?.name, awards.body.runnerUp?.name, awards.body.third?.name]).toEqual(["张伟", "陈静", "王芳"]);
    console.log(`2025: ${awards.body.champion.name}, ${awards.body.runnerUp.name}, ${awards.body.third.name}`);
    const cert = await fetch(`${ts.url}/api/v1/awards/2025/certificate/${awards.body.champion.repId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(cert.status).toBe(200);
    expect(await cert.text()).toContain(awards.body.champion.name);
  });

  it("is made once: a restart finds it and adds nothing; a second club from the same clock is the same club", async () => {
    const before = await digest(ts);
    const { seedDemoClub } = await import("../../server/src/seed/demo.ts");
    await seedDemoClub(ts.server.deps);
    expect(await digest(ts)).toBe(before);
    // A second server on the same clock, made without the demo, seeds it by hand: timed alone.
    const other = await startTestServer({ DEMO_CLUB: "off" }, NOW);
    try {
      const t0 = performance.now();
      await seedDemoClub(other.server.deps);
      console.log(`demo club seeded in ${Math.round(performance.now() - t0)} ms (${other.db.url ? "PostgreSQL" : "PGlite"})`);
      expect(await digest(other)).toBe(before);
    } finally {
      await other.close();
    }
  }, 120_000);
});
