import { type Tx, withTenant } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { type Announced, type LivePayload, type PublishedName, payloadProblem, recipientsOf } from "./event-table.ts";
import type { LiveEvent } from "./events.ts";

/** Collects what a write will announce; nothing leaves before the transaction commits. */
export interface Outbox {
  /** Announce an event of the table (event-table.ts): it goes to the audience the table gives it. */
  emit<K extends PublishedName>(event: K, payload: LivePayload<K>): void;
  /** The write changed what the club's boards show (revenue, targets, contacts, alarms). */
  boardChanged(): void;
}

/** Thrown (under test only) when a payload does not match its event's schema. */
export class LivePayloadMismatch extends Error {}

/**
 * Whether payloads are checked against the table: always under test, else when
 * `LIVE_CHECK_EVENTS=on`. A mismatch fails the test; in production it is logged and
 * counted (`clubhouse_live_event_mismatches_total`), and the event still goes out.
 */
function checking(deps: Pick<Deps, "config">): "throw" | "log" | false {
  if (process.env.NODE_ENV === "test") return "throw";
  return deps.config?.LIVE_CHECK_EVENTS === "on" ? "log" : false;
}

/**
 * The one way a write's events leave: call it only once the write's transaction has
 * committed (`withTenant` resolved), with every event the write collected. Each goes
 * to the rooms the table of events names for it (event-table.ts, `recipientsOf`),
 * always of this club. Never throws in production: the live channel cannot fail a
 * write. `publishAfterCommit` calls it for you.
 */
export function publishCommitted(deps: Pick<Deps, "live" | "config" | "logger" | "metrics">, tenantId: string, events: Announced[]): void {
  if (events.length === 0) return;
  const check = checking(deps);
  const out: LiveEvent[] = [];
  for (const e of events) {
    if (check) {
      const problem = payloadProblem(e.event, e.payload);
      if (problem) {
        if (check === "throw") throw new LivePayloadMismatch(`live: ${e.event} payload does not match its schema: ${problem}`);
        deps.logger?.warn({ event: e.event, problem }, "live: an event's payload does not match its schema");
        deps.metrics?.liveEventMismatch(e.event);
      }
    }
    for (const audience of recipientsOf(e)) out.push({ tenantId, audience, event: e.event, payload: e.payload } as LiveEvent);
  }
  deps.live.publish(out);
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
 *     out.emit("contact:logged", toPayload(row));
 *     out.boardChanged();
 *     return row;
 *   });
 *
 * A service that runs several transactions, or must return its events to a caller,
 * may instead collect `Announced[]` and call `publishCommitted(deps, tenantId, events)`
 * itself after `withTenant` resolves — never from inside `fn`.
 */
export async function publishAfterCommit<T>(
  deps: Pick<Deps, "database" | "live" | "config" | "logger" | "metrics">,
  tenantId: string,
  fn: (tx: Tx, out: Outbox) => Promise<T>,
): Promise<T> {
  const events: Announced[] = [];
  let boards = false;
  const out: Outbox = {
    emit(event, payload) {
      events.push({ event, payload } as Announced);
    },
    boardChanged() {
      boards = true;
    },
  };
  const result = await withTenant(deps.database, tenantId, (tx) => fn(tx, out));
  // Only reached after COMMIT: withTenant rethrows whatever rolled the transaction back.
  publishCommitted(deps, tenantId, events);
  if (boards) await deps.live.boardChanged(tenantId);
  return result;
}
