import { contactAcceptances, contactPositions, contacts, contactVoids, type Tx, users } from "@clubhouse/db";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { canSee, repIsInScope, scopeOf } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound } from "../errors.ts";
import { type ContactRow, presentContact, type VoidRow } from "./view.ts";

/**
 * Contacts as their answers read them: the row, its void, its acceptance (with the
 * manager's name) and its position. The position goes only to the contact's own rep
 * and to managers and admins (docs/verified-visits.md); a lead and anyone else get null.
 */
export function selectContacts(tx: Tx) {
  return tx
    .select({ c: contacts, v: contactVoids, a: contactAcceptances, byName: users.name, p: contactPositions })
    .from(contacts)
    .leftJoin(contactVoids, and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id)))
    .leftJoin(contactAcceptances, and(eq(contactAcceptances.tenantId, contacts.tenantId), eq(contactAcceptances.contactId, contacts.id)))
    .leftJoin(users, and(eq(users.tenantId, contactAcceptances.tenantId), eq(users.id, contactAcceptances.acceptedBy)))
    .leftJoin(contactPositions, and(eq(contactPositions.tenantId, contacts.tenantId), eq(contactPositions.contactId, contacts.id)))
    .$dynamic();
}

export type LoadedContact = Awaited<ReturnType<ReturnType<typeof selectContacts>["execute"]>>[number];

export function presentLoaded(ctx: ServiceContext, r: LoadedContact, voided?: VoidRow | null) {
  return presentContact(r.c, voided === undefined ? r.v : voided, {
    accepted: r.a ? { ...r.a, byName: r.byName } : null,
    position: canSee(ctx.actor, r.c.repId) ? r.p : null,
  });
}

/** The `check` filter of GET /contacts: a state, or `unverified` (off site, no position or no pin, not accepted). */
export function checkFilter(check: string | undefined): SQL | undefined {
  if (!check) return undefined;
  const notAccepted = sql`${contactAcceptances.contactId} is null`;
  if (check === "unverified") return and(sql`${contacts.visitCheck} in ('off_site', 'no_position', 'no_pin')`, notAccepted);
  return eq(contacts.visitCheck, check as NonNullable<ContactRow["visitCheck"]>);
}

/**
 * A rep sees only the contacts they made, a lead their team's; another's answers 404.
 * `exclusive`: a void and an acceptance of one contact take turns (each reads the other's
 * row, then moves the counters by what it read): an advisory lock on the contact's id
 * for the transaction, since contacts are append-only and cannot be locked FOR UPDATE.
 */
export async function loadContact(tx: Tx, ctx: ServiceContext, id: string, exclusive = false): Promise<LoadedContact> {
  if (exclusive) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`contact:${id}`}, 0))`);
  const [r] = await selectContacts(tx).where(eq(contacts.id, id));
  if (!r || !(await repIsInScope(tx, scopeOf(ctx), r.c.repId))) throw new NotFound("contact");
  return r;
}
