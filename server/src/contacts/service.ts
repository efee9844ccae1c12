import { randomUUID } from "node:crypto";
import { contacts, contactVoids, customers, type Tx, withTenant } from "@clubhouse/db";
import { and, desc, eq, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { canSee, repCondition } from "../access/scope.ts";
import { customersById, type GroupCustomer } from "../customers/service.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { Conflict, NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { checkPromotion, promotionsById } from "../promotions/service.ts";
import type { Announced } from "../realtime/event-table.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import { classifyContact, isInPerson } from "../regulation/contacts.ts";
import { type ClubRules, readClubRules } from "../settings/service.ts";
import { dayOf, monthOf } from "../time/club-time.ts";
import { clubWrites, type Settled } from "../writes/batcher.ts";
import {
  answerEach,
  type KeyClaim,
  KeyTaken,
  keyId,
  readKeys,
  requestHash,
  type Stored,
  storeKeys,
  withIdempotency,
} from "../writes/idempotency.ts";
import { addToCounters } from "./counters.ts";
import { checkFilter, loadContact, presentLoaded, selectContacts } from "./load.ts";
import type { ListContactsQuery, LogContact } from "./schemas.ts";
import { type CheckedVisit, checkVisit, insertPositions, type PinWrite, pinAtVisits } from "./verify.ts";
import { type ContactRow, type ContactView, FUTURE_SKEW_MS, type PositionRow, presentContact } from "./view.ts";

export { acceptContact } from "./accept.ts";
export { verifyContactCounters } from "./counters.ts";
export { overdueCustomers, repRatio } from "./reports.ts";
export { type ContactRow, type ContactView, FUTURE_SKEW_MS, presentContact, type VoidRow } from "./view.ts";

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
 * docs/regulation.md, 第四条 2: logs a contact once per Idempotency-Key. Classed from the customer's
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
    ...(input.position
      ? { position: { ...input.position, takenAt: input.position.takenAt ? new Date(input.position.takenAt).toISOString() : null } }
      : {}),
    ...(input.positionError ? { positionError: input.positionError } : {}),
    ...(input.pinHere ? { pinHere: true } : {}),
  });
}

/**
 * One transaction for a group, in two round trips: the customers (locked, in id order:
 * a customer's status, which classes the contact, cannot change under us), the rules
 * and the keys' stored answers; each contact checked in turn (a refused one is that
 * request's error); then the answers under their keys, the contacts, their counters
 * and the customers' last in-person contact.
 *
 * A key is stored with its answer in the second round trip, not claimed first and
 * answered later (one row written once instead of inserted, updated and read). A
 * concurrent request with the same key (another process, or a group still under way)
 * that stores it first makes the store wait for it and find the key taken: this group
 * is rolled back and run again, and then finds that request's answer.
 */
async function logContactGroup(deps: Deps, tenantId: string, reqs: ContactRequest[]): Promise<Settled<Stored<ContactView>>[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await logContactsOnce(deps, tenantId, reqs);
    } catch (error) {
      if (!(error instanceof KeyTaken) || attempt >= 3) throw error;
    }
  }
}

async function logContactsOnce(deps: Deps, tenantId: string, reqs: ContactRequest[]): Promise<Settled<Stored<ContactView>>[]> {
  const logged: ContactView[] = [];
  const answers = await withTenant(deps.database, tenantId, async (tx) => {
    const now = deps.clock.now();
    const claims: KeyClaim[] = reqs.map((r) => ({ userId: actorId(r.ctx.actor)!, key: r.key, hash: contactRequestHash(r.input) }));
    // The customers' lock first: the keys are read after it (a request with the same key
    // that held the customer has committed by then).
    const [found, rules, named, outcomes] = await Promise.all([
      customersById(
        tx,
        reqs.map((r) => r.input.customerId),
        true,
      ),
      readClubRules(tx),
      promotionsById(
        tx,
        reqs.map((r) => r.input.promotionId),
      ),
      readKeys<ContactView>(tx, claims),
    ]);
    const rows: ContactRow[] = [];
    const positions: PositionRow[] = [];
    const pins: PinWrite[] = [];
    const { answers, stored } = await answerEach(claims, outcomes, 201, (i) => {
      const r = reqs[i]!;
      const { row, position, pin } = checkContact(r.ctx, r.input, rules, found, now, (row) => {
        if (r.input.promotionId) checkPromotion(named.get(r.input.promotionId), row.repId, row.occurredAt);
      });
      // the caller is the contact's rep: its answer shows the position (docs/verified-visits.md)
      const body = presentContact(row, null, { position });
      if (position) positions.push(position);
      if (pin) pins.push(pin);
      rows.push(row);
      logged.push(body);
      return body;
    });
    // Nothing of each other's results is needed: sent together, one round trip. The
    // customers are locked already; the keys and the counters take their rows in a fixed order.
    const [keysStored] = await Promise.all([
      storeKeys(tx, tenantId, now, stored),
      insertContacts(tx, rows),
      insertPositions(tx, positions),
      addToCounters(tx, tenantId, rows, 1),
      touchLastInPerson(tx, rows),
      pinAtVisits(tx, tenantId, pins),
    ]);
    if (!keysStored) throw new KeyTaken();
    return answers;
  });
  if (logged.length > 0) {
    publishCommitted(deps, tenantId, logged.map(contactEvent));
    // contacts move only their reps' counters (BoardChange)
    await deps.live.boardChanged(tenantId, [...new Set(logged.map((c) => c.repId))]);
  }
  return answers;
}

/**
 * One contact of a group, checked as logContact always has, then `more` (its promotion),
 * then its visit check (verify.ts: last, as pinning the customer must follow every refusal);
 * the row to store, its position and the pin it sets.
 */
function checkContact(
  ctx: ServiceContext,
  input: LogContact,
  rules: ClubRules,
  found: Map<string, GroupCustomer>,
  now: Date,
  more: (row: ContactRow) => void,
): Omit<CheckedVisit, "check"> & { row: ContactRow } {
  const customer = found.get(input.customerId);
  if (!customer || !canSee(ctx.actor, customer.ownerId)) throw new NotFound("customer");
  const cls = classifyContact(customer.status);
  if (!cls.ok)
    throw new RuleViolation("This prospect was dropped; a manager must reopen it before contacts are logged.", {
      customerId: fieldIssue("dropped", "is dropped"),
    });
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
  if (occurredAt.getTime() > now.getTime() + FUTURE_SKEW_MS)
    throw new RuleViolation("A contact cannot be logged before it happens.", { occurredAt: fieldIssue("in_future", "is in the future") });
  const row: ContactRow = {
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
    visitCheck: null,
    distanceM: null,
  };
  more(row);
  const { check, position, pin } = checkVisit(row, input, customer, rules.visitRadiusM, now);
  return { row: { ...row, ...check }, position, pin };
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
      visit_check: c.visitCheck,
      distance_m: c.distanceM,
    })),
  );
  await tx.execute(sql`
    insert into ${contacts} (tenant_id, id, rep_id, customer_id, channel, in_person, target, outcome, notes, occurred_at, day, month,
      created_at, promotion_id, visit_check, distance_m)
    select * from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, rep_id uuid, customer_id uuid,
      channel contact_channel, in_person boolean, target contact_target, outcome contact_outcome, notes text,
      occurred_at timestamptz, day date, month text, created_at timestamptz, promotion_id uuid, visit_check visit_check, distance_m integer)`);
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

export async function listContacts(ctx: ServiceContext, q: ListContactsQuery) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const byRep = await repCondition(tx, ctx, q.repId, contacts.repId);
    const rows = await selectContacts(tx)
      .where(
        and(
          byRep,
          q.customerId ? eq(contacts.customerId, q.customerId) : undefined,
          q.month ? eq(contacts.month, q.month) : undefined,
          checkFilter(q.check),
          after ? sql`(${contacts.occurredAt}, ${contacts.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(contacts.occurredAt), desc(contacts.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => presentLoaded(ctx, r),
      (i) => [i.occurredAt, i.id],
    );
  });
}

export async function getContact(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    return presentLoaded(ctx, await loadContact(tx, ctx, id));
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
  // the voided contact leaves its rep's counters: only that rep's rows change (BoardChange)
  if (!out.replayed) await ctx.deps.live.boardChanged(ctx.tenantId, [out.body.repId]);
  return out;
}

async function voidContactTx(tx: Tx, ctx: ServiceContext, id: string, reason: string) {
  const r = await loadContact(tx, ctx, id, true);
  const { c, v } = r;
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
  // an accepted contact leaves the `accepted` column, any other its check's
  await addToCounters(tx, ctx.tenantId, [{ ...c, accepted: Boolean(r.a) }], -1);
  return presentLoaded(ctx, r, voided);
}

const alreadyVoided = () => new Conflict("This contact was already voided.", { id: fieldIssue("already_voided", "is voided") });
