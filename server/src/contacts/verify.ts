import { contactPositions, customerChanges, customers, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import type { GroupCustomer } from "../customers/service.ts";
import { RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { visitCheck } from "../regulation/visit-check.ts";
import type { LogContact } from "./schemas.ts";
import type { ContactRow, PositionRow } from "./view.ts";

/**
 * Verified visits at logging (docs/verified-visits.md): the check of an in-person
 * contact against its customer's pin (regulation/visit-check.ts), fixed in the
 * contact's row; the position it was checked with, kept apart (personal data, deleted
 * by the retention job); a pin set by "I am at this customer now".
 */

export interface PinWrite {
  customerId: string;
  lat: number;
  lng: number;
  by: string;
  at: Date;
}

export interface CheckedVisit {
  check: Pick<ContactRow, "visitCheck" | "distanceM">;
  position: PositionRow | null;
  pin: PinWrite | null;
}

/**
 * The check of one contact about to be written. A pinHere contact pins its customer
 * (already pinned: 422 `already_pinned`) and is `no_pin` itself — there was no pin to
 * check it against; `customer` then carries the new pin, so a later contact of the
 * same group is checked against it.
 */
export function checkVisit(
  c: Pick<ContactRow, "tenantId" | "id" | "repId" | "inPerson" | "occurredAt">,
  input: LogContact,
  customer: GroupCustomer,
  radiusM: number,
  now: Date,
): CheckedVisit {
  if (!c.inPerson) return { check: { visitCheck: null, distanceM: null }, position: null, pin: null };
  const reported = input.position;
  const position = reported
    ? { lat: reported.lat, lng: reported.lng, accuracy: reported.accuracy, takenAt: reported.takenAt ? new Date(reported.takenAt) : null }
    : null;
  const hasPin = customer.pinLat !== null && customer.pinLng !== null;
  let pin: PinWrite | null = null;
  if (input.pinHere && position) {
    if (hasPin)
      throw new RuleViolation("This customer already has a location; a manager may move it.", {
        pinHere: fieldIssue("already_pinned", "already has a location"),
      });
    pin = { customerId: customer.id, lat: position.lat, lng: position.lng, by: c.repId, at: now };
  }
  const checked = visitCheck({
    inPerson: true,
    position,
    pin: hasPin && !pin ? { lat: customer.pinLat!, lng: customer.pinLng! } : null,
    radiusM,
    occurredAt: c.occurredAt,
  })!;
  if (pin) {
    customer.pinLat = pin.lat;
    customer.pinLng = pin.lng;
  }
  return {
    check: { visitCheck: checked.state, distanceM: checked.distanceM },
    position: position
      ? {
          tenantId: c.tenantId,
          contactId: c.id,
          lat: position.lat,
          lng: position.lng,
          accuracyM: position.accuracy,
          takenAt: position.takenAt,
          recordedAt: now,
        }
      : null,
    pin,
  };
}

/** The positions of a group of contacts, in one statement. */
export async function insertPositions(tx: Tx, rows: PositionRow[]) {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((p) => ({
      tenant_id: p.tenantId,
      contact_id: p.contactId,
      lat: p.lat,
      lng: p.lng,
      accuracy_m: p.accuracyM,
      taken_at: p.takenAt?.toISOString() ?? null,
      recorded_at: p.recordedAt.toISOString(),
    })),
  );
  await tx.execute(sql`
    insert into ${contactPositions} (tenant_id, contact_id, lat, lng, accuracy_m, taken_at, recorded_at)
    select * from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, contact_id uuid, lat double precision,
      lng double precision, accuracy_m real, taken_at timestamptz, recorded_at timestamptz)`);
}

/**
 * Pins customers at their visits, in one statement, and records each pin in the
 * customer's history. Only a customer without a pin is pinned (the customers were
 * locked and checked by the group already).
 */
export async function pinAtVisits(tx: Tx, tenantId: string, pins: PinWrite[]) {
  if (pins.length === 0) return;
  const json = JSON.stringify(pins.map((p) => ({ id: p.customerId, lat: p.lat, lng: p.lng, by: p.by, at: p.at.toISOString() })));
  await tx.execute(sql`
    with x as (select * from jsonb_to_recordset(${json}::jsonb) as x(id uuid, lat double precision, lng double precision, by uuid, at timestamptz)),
    pinned as (
      update ${customers} c set pin_lat = x.lat, pin_lng = x.lng, pin_source = 'visit', pin_by = x.by, pin_at = x.at
      from x where c.id = x.id and c.pin_lat is null
      returning c.id, x.lat, x.lng, x.by, x.at
    )
    insert into ${customerChanges} (tenant_id, customer_id, actor_id, kind, changes, at)
    select ${tenantId}::uuid, id, by, 'pin',
      jsonb_build_array(jsonb_build_object('field', 'pin', 'old', null, 'new', jsonb_build_object('lat', lat, 'lng', lng, 'source', 'visit'))), at
    from pinned`);
}
