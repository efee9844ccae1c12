import { type Tx, withTenant } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import type { Audience, LiveEvent, ServerToClientEvents } from "./events.ts";

/** Collects what a write will announce; nothing leaves before the transaction commits. */
export interface Outbox {
  emit<K extends keyof ServerToClientEvents>(audience: Audience, event: K, payload: Parameters<ServerToClientEvents[K]>[0]): void;
  /** The write changed what the club's boards show (revenue, targets, contacts, alarms). */
  boardChanged(): void;
}

/**
 * `withTenant` for a write that announces something: `fn` runs in the club's
 * transaction and queues its events on the outbox; they are published only once
 * the transaction has committed. If `fn` throws or the commit fails, the
 * transaction rolls back, this rethrows, and nothing is published — a client
 * never hears of a write that did not happen. Events are always of this club: the
 * outbox fills in the tenant, so a write cannot announce into another club.
 *
 *   const contact = await publishAfterCommit(ctx.deps, ctx.tenantId, async (tx, out) => {
 *     const row = await insertContact(tx, …);
 *     out.emit({ to: "rep", repId: row.repId }, "contact:logged", toPayload(row));
 *     out.boardChanged();
 *     return row;
 *   });
 *
 * A service that runs several transactions, or must return its events to a caller,
 * may instead collect `LiveEvent[]` and call `deps.live.publish(events)` itself after
 * `withTenant` resolves — never from inside `fn`.
 */
export async function publishAfterCommit<T>(
  deps: Pick<Deps, "database" | "live">,
  tenantId: string,
  fn: (tx: Tx, out: Outbox) => Promise<T>,
): Promise<T> {
  const events: LiveEvent[] = [];
  let boards = false;
  const out: Outbox = {
    emit(audience, event, payload) {
      events.push({ tenantId, audience, event, payload } as LiveEvent);
    },
    boardChanged() {
      boards = true;
    },
  };
  const result = await withTenant(deps.database, tenantId, (tx) => fn(tx, out));
  // Only reached after COMMIT: withTenant rethrows whatever rolled the transaction back.
  if (events.length > 0) deps.live.publish(events);
  if (boards) await deps.live.boardChanged(tenantId);
  return result;
}
