import { contactAcceptances, type Tx, users, withTenant } from "@clubhouse/db";
import { and, eq } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { acceptable } from "../regulation/visit-check.ts";
import { withIdempotency } from "../writes/idempotency.ts";
import { moveToAccepted } from "./counters.ts";
import { loadContact, presentLoaded } from "./load.ts";

/**
 * docs/verified-visits.md: a manager accepts an unverified in-person contact (off site,
 * no position, no pin) once, with a reason. It then counts as verified: the counters
 * move it from its check's column to `accepted` in the same transaction, and the
 * boards change live after the commit. With an Idempotency-Key (optional: a second
 * acceptance is a 409 anyway) a replay answers like the first.
 */
export async function acceptContact(ctx: ServiceContext, id: string, reason: string, key?: string) {
  const out = key
    ? await withIdempotency(ctx, { key, scope: `POST /contacts/${id}/accept`, request: { reason } }, async (tx) => ({
        status: 200,
        body: await acceptContactTx(tx, ctx, id, reason),
      }))
    : {
        status: 200 as const,
        body: await withTenant(ctx.deps.database, ctx.tenantId, (tx) => acceptContactTx(tx, ctx, id, reason)),
        replayed: false,
      };
  // the contact's rep's checks moved: only that rep's rows change (BoardChange)
  if (!out.replayed) await ctx.deps.live.boardChanged(ctx.tenantId, [out.body.repId]);
  return out;
}

async function acceptContactTx(tx: Tx, ctx: ServiceContext, id: string, reason: string) {
  const r = await loadContact(tx, ctx, id, true);
  const { c } = r;
  if (!c.inPerson || c.visitCheck === null)
    throw new RuleViolation("Only a visit or a demo has a check to accept.", {
      id: fieldIssue("not_in_person", "is not a visit or a demo"),
    });
  if (r.v) throw new RuleViolation("This contact was voided; it counts nowhere.", { id: fieldIssue("voided", "is voided") });
  if (r.a) throw alreadyAccepted();
  if (!acceptable(c.visitCheck))
    throw new RuleViolation("This visit was verified on site: there is nothing to accept.", {
      id: fieldIssue("on_site", "was verified on site"),
    });
  const now = ctx.deps.clock.now();
  // The primary key on contact_acceptances stops a second acceptance that raced past the read (→ 409).
  const [accepted] = await tx
    .insert(contactAcceptances)
    .values({ tenantId: ctx.tenantId, contactId: c.id, reason, acceptedBy: actorId(ctx.actor)!, acceptedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!accepted) throw alreadyAccepted();
  const [[by]] = await Promise.all([
    tx
      .select({ name: users.name })
      .from(users)
      .where(and(eq(users.tenantId, ctx.tenantId), eq(users.id, accepted.acceptedBy))),
    moveToAccepted(tx, ctx.tenantId, c),
  ]);
  return presentLoaded(ctx, { ...r, a: accepted, byName: by?.name ?? null });
}

const alreadyAccepted = () => new Conflict("This contact was already accepted.", { id: fieldIssue("already_accepted", "is accepted") });
