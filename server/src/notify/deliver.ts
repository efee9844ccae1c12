import { dueNotifyClubs, listTenantIds, notifyChannels, notifyDeliveries, notifyOutbox, type Tx, withTenant } from "@clubhouse/db";
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { raiseAlarm } from "../alarms/service.ts";
import type { Deps } from "../deps.ts";
import type { NotifyEvent, NotifyLanguage } from "./events.ts";
import type { ChannelKind } from "./formats.ts";
import { renderMessage } from "./render.ts";
import { type SendResult, sendOnce } from "./send.ts";
import { settleClub } from "./wakeups.ts";

/** At most this many messages are claimed per club and sweep. */
const BATCH = 20;

/** The wait before the next try after `attempts` failed ones: base · 2^(attempts−1), capped. */
export function retryDelay(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
}

interface Claimed {
  id: string;
  channelId: string;
  event: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: Date;
  kind: ChannelKind;
  url: string;
  secret: string | null;
  language: string;
}

/**
 * Claims the club's due messages: locks them with SKIP LOCKED (another process sweeping
 * at the same moment takes other rows, never these) and moves their next attempt a lease
 * ahead, then commits — the HTTP calls happen outside any transaction. A process that
 * dies while sending leaves its rows to come due again when the lease runs out: sent at
 * least once, and a repeat carries the same id.
 */
async function claim(deps: Deps, tenantId: string, now: Date): Promise<Claimed[]> {
  return withTenant(deps.database, tenantId, async (tx) => {
    const rows = await tx
      .select({
        id: notifyOutbox.id,
        channelId: notifyOutbox.channelId,
        event: notifyOutbox.event,
        payload: notifyOutbox.payload,
        attempts: notifyOutbox.attempts,
        createdAt: notifyOutbox.createdAt,
        kind: notifyChannels.kind,
        url: notifyChannels.url,
        secret: notifyChannels.secret,
        language: notifyChannels.language,
      })
      .from(notifyOutbox)
      .innerJoin(notifyChannels, and(eq(notifyChannels.tenantId, notifyOutbox.tenantId), eq(notifyChannels.id, notifyOutbox.channelId)))
      .where(and(eq(notifyOutbox.status, "pending"), lte(notifyOutbox.nextAttemptAt, now), eq(notifyChannels.enabled, true)))
      .orderBy(asc(notifyOutbox.createdAt), asc(notifyOutbox.id))
      .limit(BATCH)
      .for("update", { of: notifyOutbox, skipLocked: true });
    if (rows.length === 0) return [];
    await tx
      .update(notifyOutbox)
      .set({ nextAttemptAt: new Date(now.getTime() + deps.config.NOTIFY_LEASE_MS) })
      .where(
        inArray(
          notifyOutbox.id,
          rows.map((r) => r.id),
        ),
      );
    return rows;
  });
}

/** Writes an attempt's outcome: the message, the log, the channel's failure count (and maybe disables it). */
async function record(deps: Deps, tenantId: string, m: Claimed, r: SendResult, at: Date): Promise<boolean> {
  const { NOTIFY_RETRY_BASE_MS: base, NOTIFY_RETRY_MAX_MS: max, NOTIFY_DISABLE_AFTER: limit } = deps.config;
  return withTenant(deps.database, tenantId, async (tx) => {
    // removed while its message was in flight: the message and the log went with it
    const [exists] = await tx
      .select({ id: notifyChannels.id })
      .from(notifyChannels)
      .where(eq(notifyChannels.id, m.channelId))
      .for("update");
    if (!exists) return false;
    const attempt = m.attempts + 1;
    await tx.insert(notifyDeliveries).values({
      tenantId,
      channelId: m.channelId,
      messageId: m.id,
      event: m.event,
      attempt,
      ok: r.ok,
      responseCode: r.responseCode,
      error: r.error,
      durationMs: r.durationMs,
      at,
    });
    if (r.ok) {
      await tx
        .update(notifyOutbox)
        .set({ status: "delivered", attempts: attempt, deliveredAt: at, lastError: null })
        .where(eq(notifyOutbox.id, m.id));
      await tx.update(notifyChannels).set({ consecutiveFailures: 0 }).where(eq(notifyChannels.id, m.channelId));
      return false;
    }
    await tx
      .update(notifyOutbox)
      .set({ attempts: attempt, nextAttemptAt: new Date(at.getTime() + retryDelay(attempt, base, max)), lastError: r.error })
      .where(eq(notifyOutbox.id, m.id));
    const [ch] = await tx
      .update(notifyChannels)
      .set({ consecutiveFailures: sql`${notifyChannels.consecutiveFailures} + 1` })
      .where(eq(notifyChannels.id, m.channelId))
      .returning();
    if (!ch?.enabled || ch.consecutiveFailures < limit) return false;
    return disableChannel(tx, tenantId, ch, r.error, at);
  });
}

/** N failures in a row: the channel stops, and the club's managers hear of it in the alarms panel. */
async function disableChannel(
  tx: Tx,
  tenantId: string,
  ch: typeof notifyChannels.$inferSelect,
  lastError: string | null,
  at: Date,
): Promise<boolean> {
  await tx.update(notifyChannels).set({ enabled: false, disabledAt: at, updatedAt: at }).where(eq(notifyChannels.id, ch.id));
  await raiseAlarm(tx, tenantId, {
    key: `channel_disabled:${ch.id}:${at.toISOString()}`,
    kind: "channel_disabled",
    subjectId: ch.id,
    message: `Notification channel "${ch.name}" was disabled after ${ch.consecutiveFailures} failed deliveries in a row.`,
    data: { channelId: ch.id, channelName: ch.name, channelKind: ch.kind, failures: ch.consecutiveFailures, lastError },
    at,
  });
  return true;
}

/** Delivers a club's due messages: channels side by side, each channel's in order, a failure ending its turn. */
export async function deliverClub(deps: Deps, tenantId: string): Promise<number> {
  const claimed = await claim(deps, tenantId, new Date());
  if (claimed.length === 0) return 0;
  const byChannel = new Map<string, Claimed[]>();
  for (const m of claimed) byChannel.set(m.channelId, [...(byChannel.get(m.channelId) ?? []), m]);
  let delivered = 0;
  let disabled = false;
  await Promise.all(
    [...byChannel.values()].map(async (queue) => {
      for (let i = 0; i < queue.length; i++) {
        const m = queue[i]!;
        const rendered = renderMessage(m.event as NotifyEvent, m.payload, m.language as NotifyLanguage);
        const r = await sendOnce(
          m,
          { id: m.id, event: m.event as NotifyEvent, data: m.payload, rendered, createdAt: m.createdAt },
          deps.config.NOTIFY_TIMEOUT_MS,
        );
        const at = new Date();
        if (await record(deps, tenantId, m, r, at)) disabled = true;
        if (r.ok) {
          delivered++;
          continue;
        }
        deps.logger.warn(
          { tenantId, channelId: m.channelId, messageId: m.id, status: r.responseCode, error: r.error },
          "notification failed",
        );
        // the rest of this channel's turn waits for the failed one's retry, in order
        const rest = queue.slice(i + 1).map((x) => x.id);
        if (rest.length > 0) {
          const due = new Date(
            at.getTime() + retryDelay(m.attempts + 1, deps.config.NOTIFY_RETRY_BASE_MS, deps.config.NOTIFY_RETRY_MAX_MS),
          );
          await withTenant(deps.database, tenantId, (tx) =>
            tx.update(notifyOutbox).set({ nextAttemptAt: due }).where(inArray(notifyOutbox.id, rest)),
          );
        }
        return;
      }
    }),
  );
  // a disabled channel raised an alarm: the managers' boards show it
  if (disabled) await deps.live.boardChanged(tenantId);
  return delivered;
}

/**
 * One sweep: the clubs with a message due (notify_wakeups, one read across clubs), or
 * with `everyClub` every club (the slow safety sweep). Each visited club's wake-up is
 * then settled to its next due message. Errors are logged per club, never thrown.
 * Answers how many clubs it visited and how many messages it delivered.
 */
export async function deliverOnce(deps: Deps, opts: { everyClub?: boolean } = {}): Promise<{ visited: number; delivered: number }> {
  let delivered = 0;
  const clubs = opts.everyClub
    ? (await listTenantIds(deps.database)).map((c) => ({ id: c.id, stamp: null }))
    : await dueNotifyClubs(deps.database, new Date());
  for (const club of clubs) {
    try {
      delivered += await deliverClub(deps, club.id);
      await withTenant(deps.database, club.id, (tx) => settleClub(tx, club.id, club.stamp));
    } catch (err) {
      deps.logger.error({ err, tenantId: club.id }, "notification sweep failed");
    }
  }
  return { visited: clubs.length, delivered };
}

/**
 * The deliverer: a loop in every server process. Every NOTIFY_POLL_MS it visits the
 * clubs with a message due; every NOTIFY_SWEEP_ALL_MS (if not 0) every club, in case
 * a message ever lacked its wake-up. Several processes may sweep at once (SKIP LOCKED
 * keeps them off each other's rows). Returns a stop function that waits for the sweep
 * in progress.
 */
export function startNotifier(deps: Deps): () => Promise<void> {
  const every = deps.config.NOTIFY_POLL_MS;
  if (every <= 0) return async () => {};
  const everyClubMs = deps.config.NOTIFY_SWEEP_ALL_MS;
  let lastAll = Date.now();
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return;
    const everyClub = everyClubMs > 0 && Date.now() - lastAll >= everyClubMs;
    if (everyClub) lastAll = Date.now();
    running = deliverOnce(deps, { everyClub })
      .catch((err) => deps.logger.error({ err }, "notification sweep failed"))
      .finally(() => {
        running = undefined;
      });
  }, every);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
