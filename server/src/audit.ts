import { auditEvents, type Tx } from "@clubhouse/db";
import type { Actor } from "./deps.ts";

/** Written in the same transaction as the change it records (fail-closed). */
export async function audit(
  tx: Tx,
  tenantId: string,
  actor: Actor,
  action: string,
  entity: string,
  entityId: string | null,
  data?: Record<string, unknown>,
) {
  await tx.insert(auditEvents).values({
    tenantId,
    actorId: actor.kind === "user" ? actor.id : null,
    action,
    entity,
    entityId,
    data: data ?? null,
  });
}
