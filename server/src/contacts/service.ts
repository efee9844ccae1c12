import { randomUUID } from "node:crypto";
import {
  contacts,
  contactVoids,
  customerMonthTotals,
  customers,
  repDayContacts,
  repMonthContacts,
  rowsOf,
  type Tx,
  users,
  withTenant,
} from "@clubhouse/db";
import { and, asc, desc, eq, gte, lte, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { repIsInScope, repInScope as scopedRep, scopeOf } from "../access/scope.ts";
import { actorId, canSee, clubNow, customersById, type GroupCustomer, isManager } from "../customers/service.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { Conflict, NotFound, RuleViolation, ValidationError } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { type CursorPart, cursorPart, decodeCursor, page } from "../http/paging.ts";
import { checkPromotion, promotionsById } from "../promotions/service.ts";
import type { Announced } from "../realtime/event-table.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import { cadenceDueSql, cadenceStatus } from "../regulation/cadence.ts";
import { classifyContact, isInPerson } from "../regulation/contacts.ts";
import { type Ratio, ratio, ratioOf } from "../regulation/ratio.ts";
import { tierSql } from "../regulation/tiers.ts";
import { type ClubRules, readClubRules } from "../settings/service.ts";
import { dayOf, monthOf } from "../time/club-time.ts";
import { clubWrites, type Settled } from "../writes/batcher.ts";
import { answerEach, claimKeys, type KeyClaim, keyId, requestHash, type Stored, settleKeys, withIdempotency } from "./idempotency.ts";
import type { ListContactsQuery, LogContact, RatioQuery } from "./schemas.ts";

export type ContactRow = typeof contacts.$inferSelect;
export type VoidRow = typeof contactVoids.$inferSelect;

/** A phone's clock may run a little ahead of ours; a contact further in the future is refused. */
export const FUTURE_SKEW_MS = 5 * 60_000;

export function presentContact(c: ContactRow, v?: VoidRow | null) {
  return {
    id: c.id,
    target: c.target,
    repId: c.repId,
    customerId: c.customerId,
    channel: c.channel,
    outcome: c.outcome,
    notes: c.notes,
    occurredAt: c.occurredAt.toISOString(),
    day: c.day,
    month: c.month,
    inPerson: c.inPerson,
    promotionId: c.promotionId,
    voided: Boolean(v),
    createdAt: c.createdAt.toISOString(),
    ...(v ? { voidReason: v.reason, voidedBy: v.voidedBy, voidedAt: v.voidedAt.toISOString() } : {}),
  };
}
export type ContactView = ReturnType<typeof presentContact>;

// ── whose data a request is about ────────────────────────────────────────────

/**
 * The rep a request is about. A rep may name only themself (another rep answers
 * 404, as if absent); managers any user of their club. RLS hides other clubs' users.
 */
export async function repInScope(tx: Tx, ctx: ServiceContext, repId: string | undefined) {
  const me = actorId(ctx.actor);
  // a rep names only themself, a team lead their team's reps (access/scope.ts)
  if (repId !== undefined && !(await repIsInScope(tx, scopeOf(ctx), repId))) throw new NotFound("rep");
  const id = repId ?? me;
  if (!id) throw new ValidationError({ repId: fieldIssue("required", "is required") });
  const [u] = await tx.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, id));
  if (!u) throw new NotFound("rep");
  return u;
}

/** A rep's lists are their own; a manager's may be narrowed to one rep. */
export async function repFilter(tx: Tx, ctx: ServiceContext, repId: string | undefined): Promise<string | undefined> {
  if (isManager(ctx.actor) && repId === undefined) return undefined;
  return (await repInScope(tx, ctx, repId)).id;
}

/** repFilter as a condition on `column`: a team lead's lists, with no rep named, are their team's. */
export async function repCondition(tx: Tx, ctx: ServiceContext, repId: string | undefined, column: PgColumn): Promise<SQL | undefined> {
  const scope = scopeOf(ctx);
  if (repId === undefined && scope.kind === "team") return scopedRep(scope, column);
  const id = await repFilter(tx, ctx, repId);
  return id ? eq(column, id) : undefined;
}

// ── counters ─────────────────────────────────────────────────────────────────

function counterDelta(c: Pick<ContactRow, "channel" | "target">, sign: 1 | -1) {
  // what the contact adds to the 1:3 ratio's counts: the counters are ratioOf summed by day and month
  const counts = ratioOf([{ channel: c.channel, target: c.target, voided: false }]);
  return {
    existingInPerson: sign * counts.existing,
    prospectInPerson: sign * counts.prospect,
    visits: c.channel === "visit" ? sign : 0,
    demos: c.channel === "demo" ? sign : 0,
    calls: c.channel === "phone" ? sign : 0,
    letters: c.channel === "letter" ? sign : 0,
  };
}

type Counted = Pick<ContactRow, "repId" | "day" | "month" | "channel" | "target" | "inPerson">;

/**
 * Additive UPSERT in the contacts' transaction: concurrent writers add, never overwrite.
 * One statement for any number of contacts (summed per row first): the day rows, in
 * (rep, day) order, and then the month rows, in (rep, month) order — the month insert
 * waits for every day row (it counts the day upsert's RETURNING), so every writer
 * takes its day rows before its month rows and no two writers deadlock on them.
 */
async function addToCounters(tx: Tx, tenantId: string, counted: Counted[], sign: 1 | -1) {
  if (counted.length === 0) return;
  const json = JSON.stringify(
    counted.map((c) => {
      const d = counterDelta(c, sign);
      return {
        rep_id: c.repId,
        day: c.day,
        month: c.month,
        existing_in_person: d.existingInPerson,
        prospect_in_person: d.prospectInPerson,
        visits: d.visits,
        demos: d.demos,
        calls: d.calls,
        letters: d.letters,
      };
    }),
  );
  await tx.execute(sql`
    with x as (
      select * from jsonb_to_recordset(${json}::jsonb) as x(rep_id uuid, day date, month text, existing_in_person int,
        prospect_in_person int, visits int, demos int, calls int, letters int)
    ),
    d as (
      insert into ${repDayContacts} as r (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
      select ${tenantId}::uuid, rep_id, day, min(month), sum(existing_in_person), sum(prospect_in_person), sum(visits),
        sum(demos), sum(calls), sum(letters)
      from x group by rep_id, day order by rep_id, day
      on conflict (tenant_id, rep_id, day) do update set
        existing_in_person = r.existing_in_person + excluded.existing_in_person,
        prospect_in_person = r.prospect_in_person + excluded.prospect_in_person,
        visits = r.visits + excluded.visits, demos = r.demos + excluded.demos,
        calls = r.calls + excluded.calls, letters = r.letters + excluded.letters
      returning 1
    )
    insert into ${repMonthContacts} as m (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
    select ${tenantId}::uuid, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos),
      sum(calls), sum(letters)
    from x where (select count(*) from d) > 0
    group by rep_id, month order by rep_id, month
    on conflict (tenant_id, rep_id, month) do update set
      existing_in_person = m.existing_in_person + excluded.existing_in_person,
      prospect_in_person = m.prospect_in_person + excluded.prospect_in_person,
      visits = m.visits + excluded.visits, demos = m.demos + excluded.demos,
      calls = m.calls + excluded.calls, letters = m.letters + excluded.letters`);
}

/** True when a recomputed row `t` and a stored counter row `r` (either may be absent) disagree. */
const countersDiffer = sql.raw(`coalesce(t.existing_in_person, 0) <> coalesce(r.existing_in_person, 0)
  or coalesce(t.prospect_in_person, 0) <> coalesce(r.prospect_in_person, 0)
  or coalesce(t.visits, 0) <> coalesce(r.visits, 0) or coalesce(t.demos, 0) <> coalesce(r.demos, 0)
  or coalesce(t.calls, 0) <> coalesce(r.calls, 0) or coalesce(t.letters, 0) <> coalesce(r.letters, 0)`);

/**
 * Recomputes rep_day_contacts and rep_month_contacts from the contacts and lists every
 * disagreement, `counter` naming the table (empty when all agree).
 */
export async function verifyContactCounters(tx: Tx) {
  return rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      with live as (
        select c.* from ${contacts} c
        where not exists (select 1 from ${contactVoids} v where v.tenant_id = c.tenant_id and v.contact_id = c.id)
      ),
      counted as (
        select tenant_id, rep_id, day, month,
          (in_person and target = 'existing')::int as existing_in_person,
          (in_person and target = 'prospect')::int as prospect_in_person,
          (channel = 'visit')::int as visits,
          (channel = 'demo')::int as demos,
          (channel = 'phone')::int as calls,
          (channel = 'letter')::int as letters
        from live
      ),
      by_day as (
        select tenant_id, rep_id, day, sum(existing_in_person)::int as existing_in_person,
          sum(prospect_in_person)::int as prospect_in_person, sum(visits)::int as visits, sum(demos)::int as demos,
          sum(calls)::int as calls, sum(letters)::int as letters
        from counted group by 1, 2, 3
      ),
      by_month as (
        select tenant_id, rep_id, month, sum(existing_in_person)::int as existing_in_person,
          sum(prospect_in_person)::int as prospect_in_person, sum(visits)::int as visits, sum(demos)::int as demos,
          sum(calls)::int as calls, sum(letters)::int as letters
        from counted group by 1, 2, 3
      )
      select 'rep_day_contacts' as counter, coalesce(t.rep_id, r.rep_id) as rep_id, coalesce(t.day, r.day)::text as day, null::text as month
      from by_day t full join ${repDayContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.day = t.day
      where ${countersDiffer}
      union all
      select 'rep_month_contacts', coalesce(t.rep_id, r.rep_id), null, coalesce(t.month, r.month)
      from by_month t full join ${repMonthContacts} r on r.tenant_id = t.tenant_id and r.rep_id = t.rep_id and r.month = t.month
      where ${countersDiffer}`),
  );
}

// ── log, list, void ──────────────────────────────────────────────────────────

export function contactEvent(c: ContactView): Announced {
  const payload = { id: c.id, repId: c.repId, customerId: c.customerId, channel: c.channel, target: c.target, occurredAt: c.occurredAt };
  return { event: "contact:logged", payload };
}

interface ContactRequest {
  ctx: ServiceContext;
  key: string;
  input: LogContact;
}

const batcher = clubWrites((r: ContactRequest) => keyId(actorId(r.ctx.actor)!, r.key), logContactGroup);

/**
 * SPEC §5: logs a contact once per Idempotency-Key. Classed from the customer's
 * status now; a replay returns the first response and stores nothing new.
 *
 * Contacts of one club arriving together are written together (writes/batcher.ts):
 * each is checked on its own and answered on its own, as if it were alone.
 */
export function logContact(ctx: ServiceContext, key: string, input: LogContact): Promise<Stored<ContactView>> {
  return batcher(ctx.deps).submit(ctx.tenantId, { ctx, key, input });
}

function contactRequestHash(input: LogContact) {
  return requestHash("POST /contacts", {
    customerId: input.customerId,
    channel: input.channel,
    // one instant written two ways is one request
    occurredAt: input.occurredAt ? new Date(input.occurredAt).toISOString() : null,
    outcome: input.outcome ?? "none",
    notes: input.notes || null,
    ...(input.promotionId ? { promotionId: input.promotionId } : {}),
  });
}

/**
 * One transaction for a group: the keys, the rules and the customers (locked, in id
 * order: a customer's status, which classes the contact, cannot change under us) in
 * one round trip; each contact checked in turn (a refused one is that request's
 * error and gives its key up); then the contacts, their counters, the customers'
 * last in-person contact and the stored answers in the next.
 */
async function logContactGroup(deps: Deps, tenantId: string, reqs: ContactRequest[]): Promise<Settled<Stored<ContactView>>[]> {
  const logged: ContactView[] = [];
  const answers = await withTenant(deps.database, tenantId, async (tx) => {
    const now = deps.clock.now();
    const claims: KeyClaim[] = reqs.map((r) => ({ userId: actorId(r.ctx.actor)!, key: r.key, hash: contactRequestHash(r.input) }));
    const [outcomes, rules, found, named] = await Promise.all([
      claimKeys<ContactView>(tx, tenantId, now, claims),
      readClubRules(tx),
      customersById(
        tx,
        reqs.map((r) => r.input.customerId),
        true,
      ),
      promotionsById(
        tx,
        reqs.map((r) => r.input.promotionId),
      ),
    ]);
    const rows: ContactRow[] = [];
    const { answers, stored, released } = await answerEach(claims, outcomes, 201, (i) => {
      const r = reqs[i]!;
      const row = checkContact(r.ctx, r.input, rules, found, now);
      if (r.input.promotionId) checkPromotion(named.get(r.input.promotionId), row.repId, row.occurredAt);
      const body = presentContact(row);
      rows.push(row);
      logged.push(body);
      return body;
    });
    // Nothing of each other's results is needed: sent together, one round trip. The
    // customers are locked already; the counters take their rows in their fixed order.
    await Promise.all([
      insertContacts(tx, rows),
      addToCounters(tx, tenantId, rows, 1),
      touchLastInPerson(tx, rows),
      settleKeys(tx, stored, released),
    ]);
    return answers;
  });
  if (logged.length > 0) {
    publishCommitted(deps, tenantId, logged.map(contactEvent));
    await deps.live.boardChanged(tenantId);
  }
  return answers;
}

/** One contact of a group, checked as logContact always has; the row to store. */
function checkContact(ctx: ServiceContext, input: LogContact, rules: ClubRules, found: Map<string, GroupCustomer>, now: Date): ContactRow {
  const customer = found.get(input.customerId);
  if (!customer || !canSee(ctx.actor, customer)) throw new NotFound("customer");
  const cls = classifyContact(customer.status);
  if (!cls.ok)
    throw new RuleViolation("This prospect was dropped; a manager must reopen it before contacts are logged.", {
      customerId: fieldIssue("dropped", "is dropped"),
    });
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS)
    throw new RuleViolation("A contact cannot be logged before it happens.", { occurredAt: fieldIssue("in_future", "is in the future") });
  return {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    // The contact is the caller's work: a manager logging a contact is its rep.
    repId: actorId(ctx.actor)!,
    customerId: customer.id,
    channel: input.channel,
    inPerson: isInPerson(input.channel),
    target: cls.target,
    outcome: input.outcome ?? "none",
    notes: input.notes || null,
    occurredAt,
    day: dayOf(occurredAt, rules.timezone),
    month: monthOf(occurredAt, rules.timezone),
    createdAt: now,
    promotionId: input.promotionId ?? null,
  };
}

async function insertContacts(tx: Tx, rows: ContactRow[]) {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((c) => ({
      tenant_id: c.tenantId,
      id: c.id,
      rep_id: c.repId,
      customer_id: c.customerId,
      channel: c.channel,
      in_person: c.inPerson,
      target: c.target,
      outcome: c.outcome,
      notes: c.notes,
      occurred_at: c.occurredAt.toISOString(),
      day: c.day,
      month: c.month,
      created_at: c.createdAt.toISOString(),
      promotion_id: c.promotionId,
    })),
  );
  await tx.execute(sql`
    insert into ${contacts} (tenant_id, id, rep_id, customer_id, channel, in_person, target, outcome, notes, occurred_at, day, month, created_at, promotion_id)
    select * from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, rep_id uuid, customer_id uuid,
      channel contact_channel, in_person boolean, target contact_target, outcome contact_outcome, notes text,
      occurred_at timestamptz, day date, month text, created_at timestamptz, promotion_id uuid)`);
}

/** Cadence reads the customer's last in-person contact; an older contact replayed late never moves it back. */
async function touchLastInPerson(tx: Tx, rows: ContactRow[]) {
  const latest = new Map<string, Date>();
  for (const c of rows) {
    if (!c.inPerson) continue;
    const at = latest.get(c.customerId);
    if (!at || c.occurredAt > at) latest.set(c.customerId, c.occurredAt);
  }
  if (latest.size === 0) return;
  const json = JSON.stringify([...latest].map(([id, at]) => ({ id, at: at.toISOString() })));
  await tx.execute(sql`
    update ${customers} c set last_in_person_at = greatest(coalesce(c.last_in_person_at, x.at), x.at)
    from jsonb_to_recordset(${json}::jsonb) as x(id uuid, at timestamptz)
    where c.id = x.id`);
}

const voidJoin = and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id));

export async function listContacts(ctx: ServiceContext, q: ListContactsQuery) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const byRep = await repCondition(tx, ctx, q.repId, contacts.repId);
    const rows = await tx
      .select({ c: contacts, v: contactVoids })
      .from(contacts)
      .leftJoin(contactVoids, voidJoin)
      .where(
        and(
          byRep,
          q.customerId ? eq(contacts.customerId, q.customerId) : undefined,
          q.month ? eq(contacts.month, q.month) : undefined,
          after ? sql`(${contacts.occurredAt}, ${contacts.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(contacts.occurredAt), desc(contacts.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => presentContact(r.c, r.v),
      (i) => [i.occurredAt, i.id],
    );
  });
}

/** A rep sees only the contacts they made; another's answers 404. */
async function loadContact(tx: Tx, ctx: ServiceContext, id: string) {
  const [r] = await tx.select({ c: contacts, v: contactVoids }).from(contacts).leftJoin(contactVoids, voidJoin).where(eq(contacts.id, id));
  if (!r || !(await repIsInScope(tx, scopeOf(ctx), r.c.repId))) throw new NotFound("contact");
  return r;
}

export async function getContact(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const r = await loadContact(tx, ctx, id);
    return presentContact(r.c, r.v);
  });
}

/**
 * Contacts are append-only: a mistake is voided once, with a reason, by the rep
 * who logged it or a manager. The counters and the customer's last in-person
 * contact are corrected in the same transaction. With an Idempotency-Key (optional
 * here: a second void is a 409 anyway) a replayed void answers like the first.
 */
export async function voidContact(ctx: ServiceContext, id: string, reason: string, key?: string) {
  const out = key
    ? await withIdempotency(ctx, { key, scope: `POST /contacts/${id}/void`, request: { reason } }, async (tx) => ({
        status: 200,
        body: await voidContactTx(tx, ctx, id, reason),
      }))
    : {
        status: 200 as const,
        body: await withTenant(ctx.deps.database, ctx.tenantId, (tx) => voidContactTx(tx, ctx, id, reason)),
        replayed: false,
      };
  if (!out.replayed) await ctx.deps.live.boardChanged(ctx.tenantId);
  return out;
}

async function voidContactTx(tx: Tx, ctx: ServiceContext, id: string, reason: string) {
  const { c, v } = await loadContact(tx, ctx, id);
  if (v) throw alreadyVoided();
  const now = ctx.deps.clock.now();
  // The primary key on contact_voids is what stops a racing second void (→ 409).
  const [voided] = await tx
    .insert(contactVoids)
    .values({ tenantId: ctx.tenantId, contactId: c.id, reason, voidedBy: actorId(ctx.actor), voidedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!voided) throw alreadyVoided();
  // The customer row before the counters, the order logging takes them in (it locks
  // the customer first), so that a void and a log of the same rep never deadlock.
  if (c.inPerson) {
    await tx
      .update(customers)
      .set({
        lastInPersonAt: sql`(select max(x.occurred_at) from ${contacts} x where x.tenant_id = ${customers.tenantId}
          and x.customer_id = ${customers.id} and x.in_person
          and not exists (select 1 from ${contactVoids} v where v.tenant_id = x.tenant_id and v.contact_id = x.id))`,
      })
      .where(eq(customers.id, c.customerId));
  }
  await addToCounters(tx, ctx.tenantId, [c], -1);
  return presentContact(c, voided);
}

const alreadyVoided = () => new Conflict("This contact was already voided.", { id: fieldIssue("already_voided", "is voided") });

// ── the 1:3 ratio ────────────────────────────────────────────────────────────

/**
 * 第四条 2② (docs/regulation.md): E and N are the rep's in-person contacts classed existing and
 * prospect in the period (a club month by default, or club days from–to), read
 * from the maintained day counters (voids already taken off).
 */
export async function repRatio(ctx: ServiceContext, repId: string, q: RatioQuery): Promise<Ratio> {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = await repInScope(tx, ctx, repId);
    const rules = await readClubRules(tx);
    const period =
      q.from && q.to
        ? and(gte(repDayContacts.day, q.from), lte(repDayContacts.day, q.to))
        : eq(repDayContacts.month, q.month ?? monthOf(ctx.deps.clock.now(), rules.timezone));
    const [sum] = await tx
      .select({
        e: sql<string>`coalesce(sum(${repDayContacts.existingInPerson}), 0)::int`,
        n: sql<string>`coalesce(sum(${repDayContacts.prospectInPerson}), 0)::int`,
      })
      .from(repDayContacts)
      .where(and(eq(repDayContacts.repId, rep.id), period));
    return ratio(Number(sum?.e ?? 0), Number(sum?.n ?? 0));
  });
}

// ── cadence ──────────────────────────────────────────────────────────────────

/**
 * Cadence (docs/regulation.md, 第四条 2①): active customers whose last in-person contact (or, without one,
 * becoming active) is more than ⌊365 / required⌋ days ago, required by the current
 * tier (the last complete club month's spend). Most overdue first. The SQL filters
 * and orders by the same due instant that `cadenceStatus` computes (club calendar
 * days: regulation/cadence.ts's `cadenceDueSql`).
 */
export async function overdueCustomers(ctx: ServiceContext, q: { repId?: string | undefined; limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const byOwner = await repCondition(tx, ctx, q.repId, customers.ownerId);
    const club = await clubNow(tx, ctx);
    const { tiers, cadence } = club.rules;
    const spend = sql`(select coalesce(sum(t.amount_fen), 0) from ${customerMonthTotals} t
      where t.tenant_id = ${customers.tenantId} and t.customer_id = ${customers.id} and t.month = ${club.tierMonth})`;
    const tier = tierSql(spend, tiers);
    const since = sql`coalesce(${customers.lastInPersonAt}, ${customers.activeSince}, ${customers.createdAt})`;
    const dueAt = cadenceDueSql(since, tier, cadence, club.rules.timezone);
    const rows = await tx
      .select({ c: customers, tier, ownerName: users.name })
      .from(customers)
      .innerJoin(users, eq(users.id, customers.ownerId))
      .where(
        and(
          eq(customers.status, "active"),
          byOwner,
          sql`${dueAt} < ${club.now.toISOString()}::timestamptz`,
          after ? sql`(${dueAt}, ${customers.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(dueAt), asc(customers.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => {
        const s = cadenceStatus({
          lastInPersonAt: r.c.lastInPersonAt,
          activeSince: r.c.activeSince ?? r.c.createdAt,
          now: club.now,
          tier: r.tier,
          settings: cadence,
          tz: club.rules.timezone,
        });
        return {
          customerId: r.c.id,
          name: r.c.name,
          ownerId: r.c.ownerId,
          ownerName: r.ownerName,
          tier: r.tier,
          required: s.required,
          intervalDays: s.intervalDays,
          lastInPersonAt: r.c.lastInPersonAt?.toISOString() ?? null,
          activeSince: (r.c.activeSince ?? r.c.createdAt).toISOString(),
          dueAt: s.dueAt!.toISOString(),
          daysOverdue: s.daysOverdue!,
        };
      },
      (i) => [i.dueAt, i.customerId],
    );
  });
}

/**
 * Pages a report computed in memory (bounded by the club's reps × periods) with the
 * same `limit`/`cursor` contract as the SQL lists: rows in `key` order, strictly after the cursor.
 */
export function pageRows<T>(
  rows: T[],
  q: { limit: number; cursor?: string | undefined },
  parts: readonly CursorPart[],
  key: (row: T) => string[],
) {
  const cmp = (a: string[], b: string[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? "") < (b[i] ?? "") ? -1 : 1;
    return 0;
  };
  const sorted = [...rows].sort((a, b) => cmp(key(a), key(b)));
  const after = decodeCursor(q.cursor, parts) as string[] | undefined;
  const rest = after ? sorted.filter((r) => cmp(key(r), after) > 0) : sorted;
  return page(rest, q.limit, (r) => r, key);
}
