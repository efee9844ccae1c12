import { customerChanges, customers, withTenant } from "@clubhouse/db";
import { eq } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import type { ServiceContext } from "../deps.ts";
import { clubNow } from "../settings/club-now.ts";
import { loadCustomer, viewCustomer } from "./read.ts";

/**
 * A manager sets or clears where a customer is (docs/verified-visits.md). Later visits
 * are checked against the new pin; contacts already logged keep their check. Each
 * change is in the customer's history (kind `pin`: old and new).
 */
export async function setCustomerPin(ctx: ServiceContext, id: string, at: { lat: number; lng: number } | null) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadCustomer(tx, ctx, id, true);
    const now = ctx.deps.clock.now();
    const by = actorId(ctx.actor)!;
    const old = row.pinLat === null ? null : { lat: row.pinLat, lng: row.pinLng, source: row.pinSource };
    const pin = at ? { lat: at.lat, lng: at.lng, source: "manager" as const } : null;
    if (JSON.stringify(old) !== JSON.stringify(pin)) {
      await tx
        .update(customers)
        .set(
          pin
            ? { pinLat: pin.lat, pinLng: pin.lng, pinSource: "manager", pinBy: by, pinAt: now }
            : { pinLat: null, pinLng: null, pinSource: null, pinBy: null, pinAt: null },
        )
        .where(eq(customers.id, row.id));
      await tx.insert(customerChanges).values({
        tenantId: ctx.tenantId,
        customerId: row.id,
        actorId: by,
        kind: "pin",
        changes: [{ field: "pin", old, new: pin }],
        at: now,
      });
    }
    return viewCustomer(tx, ctx, await clubNow(tx, ctx), row.id);
  });
}
