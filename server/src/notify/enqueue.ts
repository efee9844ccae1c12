import { notifyChannels, notifyOutbox, type Tx, users } from "@clubhouse/db";
import { eq, inArray } from "drizzle-orm";
import type { NotifyItem } from "./events.ts";
import { wakeClub } from "./wakeups.ts";

/**
 * Writes the notifications for `items` into the outbox, in the caller's transaction:
 * one row per item and enabled channel that chose its event. They commit or roll back
 * with the fact they announce, so a notification is never sent for a write that did
 * not happen, nor lost for one that did (docs/notify.md). A club with no channel
 * pays one indexed read.
 */
export async function enqueueNotifications(tx: Tx, tenantId: string, items: NotifyItem[]): Promise<number> {
  if (items.length === 0) return 0;
  const channels = await tx
    .select({ id: notifyChannels.id, events: notifyChannels.events })
    .from(notifyChannels)
    .where(eq(notifyChannels.enabled, true));
  const rows: (typeof notifyOutbox.$inferInsert)[] = [];
  const wanted = items.filter((i) => channels.some((c) => c.events.includes(i.event)));
  if (wanted.length === 0) return 0;
  const repIds = [...new Set(wanted.map((i) => i.repId).filter((id): id is string => typeof id === "string"))];
  const names = new Map(
    repIds.length === 0
      ? []
      : (await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, repIds))).map((u) => [u.id, u.name]),
  );
  // Operational time (when to try), not club time: the wall clock, as the deliverer reads it.
  const now = new Date();
  for (const item of wanted) {
    const payload = { ...item.data, ...(item.repId ? { repId: item.repId, repName: names.get(item.repId) ?? null } : {}) };
    for (const c of channels) {
      if (!c.events.includes(item.event)) continue;
      rows.push({ tenantId, channelId: c.id, event: item.event, payload, nextAttemptAt: now, createdAt: now });
    }
  }
  await tx.insert(notifyOutbox).values(rows);
  await wakeClub(tx, tenantId, now);
  return rows.length;
}
