import { notifyWakeups, type Tx } from "@clubhouse/db";
import { sql } from "drizzle-orm";

/**
 * The deliverer's directory of clubs to visit (notify_wakeups, docs/notify.md "The
 * sweep"). Both writes run in the club's own transaction, beside the outbox rows
 * they describe, so a wake-up commits or rolls back with its messages.
 */

/**
 * The club has a message due at `at` (a new one, or a channel switched back on): the
 * next sweep visits it. The new stamp tells a deliverer settling this club meanwhile
 * that what it read is stale, so it leaves this wake-up standing.
 */
export async function wakeClub(tx: Tx, tenantId: string, at: Date): Promise<void> {
  await tx.execute(sql`
    insert into ${notifyWakeups} (tenant_id, due_at, stamp)
    values (${tenantId}::uuid, ${at.toISOString()}::timestamptz, gen_random_uuid())
    on conflict (tenant_id) do update set due_at = least(${notifyWakeups}.due_at, excluded.due_at), stamp = excluded.stamp`);
}

/**
 * After a visit: the club's next wake-up is its earliest pending message on an enabled
 * channel (a retry's time, a lease's end); with none, the club has no wake-up. With
 * `stamp` (the one the sweep read), only while the stamp is unchanged: a message
 * enqueued since keeps its wake-up (the statement waits for that transaction, then
 * finds another stamp). Without one (the sweep over every club), a wake-up can only
 * be added or moved earlier, so no concurrent wake-up is undone.
 */
export async function settleClub(tx: Tx, tenantId: string, stamp: string | null): Promise<void> {
  const next = sql`(
    select min(o.next_attempt_at) from notify_outbox o
    join notify_channels c on c.tenant_id = o.tenant_id and c.id = o.channel_id
    where o.tenant_id = ${tenantId}::uuid and o.status = 'pending' and c.enabled)`;
  if (stamp !== null) {
    await tx.execute(sql`
      with n as (select ${next} as at),
      moved as (
        update ${notifyWakeups} w set due_at = n.at from n
        where n.at is not null and w.tenant_id = ${tenantId}::uuid and w.stamp = ${stamp}::uuid
      )
      delete from ${notifyWakeups} w using n
      where n.at is null and w.tenant_id = ${tenantId}::uuid and w.stamp = ${stamp}::uuid`);
    return;
  }
  await tx.execute(sql`
    insert into ${notifyWakeups} (tenant_id, due_at)
    select ${tenantId}::uuid, n.at from (select ${next} as at) n where n.at is not null
    on conflict (tenant_id) do update set due_at = least(${notifyWakeups}.due_at, excluded.due_at)`);
}
