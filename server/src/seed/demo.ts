import { randomUUID } from "node:crypto";
import {
  alarms,
  cardSales,
  cardTypes,
  complaints,
  contacts,
  customerChanges,
  customerOwners,
  customerStatusHistory,
  customers,
  diaries,
  type Tx,
  targets,
  tenants,
  users,
  visitPlans,
  withoutTenant,
  withTenant,
} from "@clubhouse/db";
import { and, asc, eq, gte, isNull, sql } from "drizzle-orm";
import { acknowledgeAlarm } from "../alarms/service.ts";
import { hashPassword } from "../auth/password.ts";
import { createClub } from "../auth/service.ts";
import { FixedClock } from "../clock.ts";
import { complaintAlarms, freezeTiers } from "../customers/jobs.ts";
import type { Actor, Deps, ServiceContext } from "../deps.ts";
import { commentDiary, submitDiary } from "../diary/service.ts";
import { Conflict } from "../errors.ts";
import { closeMonths } from "../quotas/close.ts";
import { evaluatePace } from "../quotas/pace.ts";
import { appendLedger, type NewEntry } from "../revenue/ledger.ts";
import { addMonths, atClubTime, monthRange, nextMonth } from "../time/club-time.ts";
import { CARD_TYPES, CAST, DEMO_TZ } from "./demo-cast.ts";
import { demoPin, demoVisitCheck } from "./demo-checks.ts";
import { planDemo } from "./demo-plan.ts";
import type { DemoPlan, PlannedEntry } from "./demo-types.ts";

/** Sign-in details of the demo club, also printed in the README and docs/demo.md. */
export const DEMO = {
  club: "demo",
  admin: { email: "admin@demo.club", password: "demo-admin-1", name: "王建国" },
  manager: { email: "manager@demo.club", password: "demo-manager-1", name: "李明" },
  reps: CAST.map((c) => ({ email: c.email, password: c.password, name: c.name })),
};

const CHUNK = 500;

async function insertChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/**
 * Creates the demo club on first start: a year of a living club up to now in club
 * time (docs/demo.md). A later start finds it and does nothing.
 *
 * The year is planned in memory (demo-plan.ts, seeded, so the same "now" gives the
 * same club) and written through the product's own rules: revenue through the ledger's
 * one writer month by month, pace judged by the real evaluation in the middle of each
 * month, each month closed by the real close at its end, tiers frozen by the real job,
 * complaint alarms by the real sweep, diaries submitted through the diary service at
 * the time they were (which freezes their figures from the ledger); the contact
 * counters are summed from the contacts the way verifyContactCounters recomputes them.
 */
export async function seedDemoClub(deps: Deps) {
  const existing = await withoutTenant(deps.database, (tx) => tx.select().from(tenants).where(eq(tenants.slug, DEMO.club)), {
    slug: DEMO.club,
  });
  if (existing.length > 0) return;
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let last = t0;
  const mark = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - last);
    last = t;
  };
  const plan = planDemo(deps.clock.now());
  mark("plan");
  const at = (t: Date) => ({ ...deps, clock: new FixedClock(t) });
  let tenant: { id: string };
  try {
    ({ tenant } = await createClub(at(plan.since), {
      club: { name: "Demo Club 示范俱乐部", slug: DEMO.club, timezone: DEMO_TZ },
      admin: DEMO.admin,
    }));
  } catch (err) {
    // another process starting at the same moment made it first and fills it
    if (err instanceof Conflict) return;
    throw err;
  }
  const tenantId = tenant.id;
  const ids = await writeFoundation(deps, tenantId, plan);
  mark("foundation");
  const manager: Actor = { kind: "user", id: ids.manager, role: "manager" };
  const ctxAt = (t: Date, actor: Actor = { kind: "system" }): ServiceContext => ({ deps: at(t), tenantId, actor });
  const club = { id: tenantId, timezone: DEMO_TZ };
  const now = plan.now;
  const clamp = (t: Date) => (t > now ? now : t);

  // The ledger, month by month as it happened: the first half, the pace judged in the
  // middle of the month (managers acknowledge the alarms of older months the next day),
  // the second half, then the tiers frozen and the month closed just after it ends.
  let next = 0;
  const appendUntil = async (until: Date) => {
    const from = next;
    while (next < plan.entries.length && plan.entries[next]!.at < until) next++;
    if (next > from) await writeLedger(deps, tenantId, ids, plan.entries.slice(from, next));
  };
  const lastClosed = addMonths(plan.month, -1);
  for (const m of plan.months) {
    const mid = atClubTime(`${m}-15`, 12, 0, DEMO_TZ);
    if (mid < now) {
      await appendUntil(mid);
      await evaluatePace(ctxAt(mid));
      if (m < addMonths(lastClosed, -1)) {
        const ackAt = new Date(mid.getTime() + 22 * 3600_000);
        const open = await withTenant(deps.database, tenantId, (tx) =>
          tx
            .select({ id: alarms.id })
            .from(alarms)
            .where(and(eq(alarms.kind, "pace"), isNull(alarms.clearedAt), isNull(alarms.acknowledgedAt), gte(alarms.raisedAt, mid)))
            .orderBy(asc(alarms.key)),
        );
        for (const a of open) await acknowledgeAlarm(ctxAt(ackAt, manager), a.id);
      }
    }
    if (m === plan.month) break;
    const end = monthRange(m, DEMO_TZ).end;
    await appendUntil(end);
    await freezeTiers.run(ctxAt(clamp(new Date(end.getTime() + 30 * 60_000))), club);
    await closeMonths(ctxAt(clamp(atClubTime(`${nextMonth(m)}-01`, 9, 0, DEMO_TZ)), manager), m);
  }
  await appendUntil(new Date(now.getTime() + 1));
  await evaluatePace(ctxAt(now));
  await complaintAlarms.run(ctxAt(now), club);
  mark("year");

  // Diaries (their text written in the first transaction) submitted by each rep when they did; a manager comments on some.
  for (const d of plan.diaries) {
    const rep: Actor = { kind: "user", id: ids.reps[d.rep]!, role: "rep" };
    if (d.submittedAt) await submitDiary(ctxAt(d.submittedAt, rep), d.day);
    if (d.comment && d.submittedAt)
      await commentDiary(ctxAt(clamp(new Date(d.submittedAt.getTime() + 14 * 3600_000)), manager), d.day, ids.reps[d.rep]!, d.comment);
  }
  mark("diaries");
  deps.logger.info({ club: DEMO.club, ms: Math.round(performance.now() - t0), phases }, "demo club created");
}

interface DemoIds {
  manager: string;
  reps: string[];
  customers: string[];
  cardTypes: string[];
}

/** People, card types, customers, contacts and their counters, targets, complaints and plans: one transaction. */
async function writeFoundation(deps: Deps, tenantId: string, plan: DemoPlan): Promise<DemoIds> {
  const people = [{ ...DEMO.manager, role: "manager" as const }, ...DEMO.reps.map((r) => ({ ...r, role: "rep" as const }))];
  const hashed = await Promise.all(people.map((p) => hashPassword(p.password)));
  const userIds = people.map(() => randomUUID());
  const ids: DemoIds = {
    manager: userIds[0]!,
    reps: userIds.slice(1),
    customers: plan.customers.map(() => randomUUID()),
    cardTypes: CARD_TYPES.map(() => randomUUID()),
  };
  await withTenant(deps.database, tenantId, async (tx) => {
    await tx.insert(users).values(
      people.map((p, i) => ({
        tenantId,
        id: userIds[i]!,
        email: p.email,
        name: p.name,
        role: p.role,
        passwordHash: hashed[i]!,
        createdAt: plan.since,
      })),
    );
    await tx.insert(cardTypes).values(CARD_TYPES.map((c, i) => ({ tenantId, id: ids.cardTypes[i]!, ...c, createdAt: plan.since })));
    const owner = (n: number) => ids.reps[plan.customers[n]!.owner]!;
    await insertChunks(plan.customers, (chunk) =>
      tx.insert(customers).values(
        chunk.map((c) => ({
          tenantId,
          id: ids.customers[c.n]!,
          name: c.name,
          kind: c.kind,
          status: c.status,
          ownerId: owner(c.n),
          expectedMonthlySpendFen: c.kind === "group" && c.tier ? Math.round(c.levelFen / 100_000) * 100_000 : null,
          profile: { ...c.profile, ...(c.activeSince ? { customerSince: dayString(c.activeSince) } : {}) },
          features: c.features,
          transaction: c.cardsHeld.length ? { cardsHeld: c.cardsHeld } : {},
          customerSince: c.activeSince ? dayString(c.activeSince) : null,
          activeSince: c.status === "active" ? c.activeSince : null,
          reviewCountFrom: c.createdAt,
          lastRefreshedAt: c.lastRefreshedAt,
          createdAt: c.createdAt,
          updatedAt: c.endedAt ?? c.lastRefreshedAt,
          ...demoPin(c.n),
          pinSource: "manager" as const,
          pinBy: ids.manager,
          pinAt: plan.since,
        })),
      ),
    );
    await insertChunks(plan.customers, (chunk) =>
      tx
        .insert(customerOwners)
        .values(chunk.map((c) => ({ tenantId, customerId: ids.customers[c.n]!, fromAt: new Date(0), ownerId: owner(c.n) }))),
    );
    const history = plan.customers.flatMap((c) => {
      const base = { tenantId, customerId: ids.customers[c.n]!, ownerId: owner(c.n), actorId: owner(c.n) };
      const rows = [{ ...base, fromStatus: null, toStatus: "prospect" as const, at: c.createdAt }];
      if (c.activeSince) rows.push({ ...base, fromStatus: "prospect" as never, toStatus: "active" as never, at: c.activeSince });
      if (c.endedAt)
        rows.push({ ...base, fromStatus: (c.activeSince ? "active" : "prospect") as never, toStatus: c.status as never, at: c.endedAt });
      return rows;
    });
    await insertChunks(history, (chunk) => tx.insert(customerStatusHistory).values(chunk));
    await insertChunks(plan.customers, (chunk) =>
      tx.insert(customerChanges).values(
        chunk.map((c) => ({
          tenantId,
          customerId: ids.customers[c.n]!,
          actorId: owner(c.n),
          kind: "created",
          changes: [{ field: "*", old: null, new: { name: c.name, kind: c.kind, status: "prospect", ownerId: owner(c.n) } }],
          at: c.createdAt,
        })),
      ),
    );
    const checked = plan.contacts.map((c, i) => (c.channel === "visit" || c.channel === "demo" ? demoVisitCheck(i) : undefined));
    await insertChunks(
      plan.contacts.map((c, i) => ({ c, check: checked[i] })),
      (chunk) =>
        tx.insert(contacts).values(
          chunk.map(({ c, check }) => ({
            tenantId,
            repId: ids.reps[c.rep]!,
            customerId: ids.customers[c.customer]!,
            channel: c.channel,
            inPerson: c.channel === "visit" || c.channel === "demo",
            target: c.target,
            outcome: c.outcome,
            occurredAt: c.at,
            day: dayString(c.at),
            month: dayString(c.at).slice(0, 7),
            createdAt: c.at,
            ...(check ?? {}),
          })),
        ),
    );
    await writeCounters(tx, tenantId);
    const targetRows = [...plan.targets.entries()].flatMap(([rep, months]) =>
      [...months.entries()].map(([month, amountFen]) => ({
        tenantId,
        repId: ids.reps[rep]!,
        month,
        amountFen,
        setBy: ids.manager,
        // set in the last days of the month before
        setAt: new Date(Math.min(monthRange(month, DEMO_TZ).start.getTime() - 2 * 86_400_000, plan.now.getTime())),
      })),
    );
    await tx.insert(targets).values(targetRows);
    await tx.insert(complaints).values(
      plan.complaints.map((c) => ({
        tenantId,
        customerId: ids.customers[c.customer]!,
        channel: c.channel,
        summary: c.summary,
        status: c.resolvedAt ? ("resolved" as const) : ("open" as const),
        openedAt: c.openedAt,
        openedBy: owner(c.customer),
        resolvedAt: c.resolvedAt,
        resolvedBy: c.resolvedAt ? owner(c.customer) : null,
        resolution: c.resolvedAt ? "已致电客户致歉并处理完毕" : null,
      })),
    );
    // the rep's own fields as typed in the evening; submitting (later, once the ledger is written) freezes the figures
    await tx.insert(diaries).values(
      plan.diaries.map((d) => ({
        tenantId,
        repId: ids.reps[d.rep]!,
        day: d.day,
        ...d.text,
        updatedAt: new Date(Math.min(atClubTime(d.day, 17, 30 + (d.rep % 20), DEMO_TZ).getTime(), plan.now.getTime())),
      })),
    );
    await tx.insert(visitPlans).values(
      plan.plans.map((p) => ({
        tenantId,
        repId: ids.reps[p.rep]!,
        customerId: ids.customers[p.customer]!,
        day: p.day,
        channel: p.channel,
        note: p.note,
        // made the morning of its day, or this morning for the coming days
        createdAt: new Date(Math.min(atClubTime([p.day, plan.today].sort()[0]!, 8, 30, DEMO_TZ).getTime(), plan.now.getTime())),
      })),
    );
  });
  return ids;
}

/**
 * The per-day and per-month contact counters and each customer's last in-person
 * contact, summed from the contacts just written (as verifyContactCounters does).
 */
async function writeCounters(tx: Tx, tenantId: string) {
  await tx.execute(sql`
    insert into rep_day_contacts (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters,
      on_site, off_site, no_position, no_pin)
    select tenant_id, rep_id, day, month,
      count(*) filter (where in_person and target = 'existing'), count(*) filter (where in_person and target = 'prospect'),
      count(*) filter (where channel = 'visit'), count(*) filter (where channel = 'demo'),
      count(*) filter (where channel = 'phone'), count(*) filter (where channel = 'letter'),
      count(*) filter (where visit_check = 'on_site'), count(*) filter (where visit_check = 'off_site'),
      count(*) filter (where visit_check = 'no_position'), count(*) filter (where visit_check = 'no_pin')
    from contacts where tenant_id = ${tenantId} group by 1, 2, 3, 4`);
  await tx.execute(sql`
    insert into rep_month_contacts (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters,
      on_site, off_site, no_position, no_pin)
    select tenant_id, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos), sum(calls), sum(letters),
      sum(on_site), sum(off_site), sum(no_position), sum(no_pin)
    from rep_day_contacts where tenant_id = ${tenantId} group by 1, 2, 3`);
  await tx.execute(sql`
    update customers c set last_in_person_at = x.last
    from (select customer_id, max(occurred_at) as last from contacts where tenant_id = ${tenantId} and in_person group by 1) x
    where c.tenant_id = ${tenantId} and c.id = x.customer_id`);
}

/** Revenue through the ledger's one writer; a card sale's entry with its sale row, in one transaction. */
async function writeLedger(deps: Deps, tenantId: string, ids: DemoIds, planned: PlannedEntry[]) {
  await withTenant(deps.database, tenantId, async (tx) => {
    const entries: (NewEntry & { id: string })[] = planned.map((e) => ({
      tenantId,
      id: randomUUID(),
      customerId: ids.customers[e.customer]!,
      repId: ids.reps[e.rep]!,
      amountFen: e.amountFen,
      businessLine: e.line,
      occurredAt: e.at,
      month: e.month,
      source: e.card ? "card_sale" : "api",
      createdBy: ids.reps[e.rep]!,
      createdAt: e.at,
    }));
    await appendLedger(tx, entries);
    const sales = planned.flatMap((e, i) =>
      e.card
        ? [
            {
              tenantId,
              customerId: ids.customers[e.customer]!,
              cardTypeId: ids.cardTypes[e.card.type]!,
              repId: ids.reps[e.rep]!,
              priceFen: e.amountFen,
              listPriceFen: CARD_TYPES[e.card.type]!.listPriceFen,
              revenueEntryId: entries[i]!.id,
              newCardCustomer: e.card.newCardCustomer,
              occurredAt: e.at,
              createdBy: ids.reps[e.rep]!,
              createdAt: e.at,
            },
          ]
        : [],
    );
    if (sales.length) await tx.insert(cardSales).values(sales);
  });
}

/** The club day of an instant (the zone keeps UTC+8 all year: demo-time.ts checks it). */
const dayString = (t: Date) => new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
