import { sql } from "drizzle-orm";
import { boolean, foreignKey, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

export const notifyChannelKindEnum = pgEnum("notify_channel_kind", ["wecom", "dingtalk", "feishu", "webhook"]);
export const notifyStatusEnum = pgEnum("notify_status", ["pending", "delivered"]);

/**
 * Where a club's notifications go (docs/notify.md): a WeCom, DingTalk or Feishu group
 * bot, or a generic webhook signed per the Standard Webhooks spec. `url` and `secret`
 * are secrets (a bot's URL carries its key): no API answer, export or log shows them.
 */
export const notifyChannels = pgTable(
  "notify_channels",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    kind: notifyChannelKindEnum("kind").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    secret: text("secret"),
    /** The events it receives (notify/events.ts). */
    events: text("events").array().notNull(),
    /** The language its messages are written in. */
    language: text("language").notNull().default("zh-CN"),
    enabled: boolean("enabled").notNull().default(true),
    /** Failed attempts since the last success; at the limit the channel is disabled. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/**
 * The transactional outbox: one row per (event, channel), written in the same
 * transaction as the fact it announces, delivered at least once. `id` is the
 * message's id on the wire (Standard Webhooks `webhook-id`): a retry repeats it.
 */
export const notifyOutbox = pgTable(
  "notify_outbox",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    channelId: uuid("channel_id").notNull(),
    event: text("event").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: notifyStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull(),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.channelId], foreignColumns: [notifyChannels.tenantId, notifyChannels.id] }).onDelete("cascade"),
    index("notify_outbox_due_idx").on(t.tenantId, t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("notify_outbox_channel_idx").on(t.tenantId, t.channelId, t.createdAt),
  ],
);

/**
 * When each club's outbox next has a message due (docs/notify.md, "The sweep"): the
 * deliverer reads this one table to find the clubs to visit instead of opening a
 * transaction per club. Written in the club's own transactions: by the enqueue
 * (due now, a new `stamp`) and by the deliverer after its visit (the club's next due
 * time, or no row when none is pending, only if `stamp` is still the one it read). Readable
 * across clubs only in the sweep's directory scope (policy `notify_directory`).
 */
export const notifyWakeups = pgTable(
  "notify_wakeups",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .references(() => tenants.id, { onDelete: "cascade" }),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    stamp: uuid("stamp").notNull().defaultRandom(),
  },
  (t) => [index("notify_wakeups_due_idx").on(t.dueAt)],
);

/** Every attempt to deliver, per channel (append-only): what the delivery log shows. */
export const notifyDeliveries = pgTable(
  "notify_deliveries",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    channelId: uuid("channel_id").notNull(),
    /** The outbox row; null for a test message. */
    messageId: uuid("message_id"),
    event: text("event").notNull(),
    attempt: integer("attempt").notNull(),
    ok: boolean("ok").notNull(),
    responseCode: integer("response_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.channelId], foreignColumns: [notifyChannels.tenantId, notifyChannels.id] }).onDelete("cascade"),
    index("notify_deliveries_channel_idx").on(t.tenantId, t.channelId, t.at),
  ],
);
