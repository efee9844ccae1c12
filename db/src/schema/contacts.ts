import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "./customers.ts";
import { promotions } from "./promotions.ts";

export const contactChannelEnum = pgEnum("contact_channel", ["visit", "demo", "phone", "letter"]);
export const contactOutcomeEnum = pgEnum("contact_outcome", ["none", "interested", "signed", "declined"]);
export const contactTargetEnum = pgEnum("contact_target", ["existing", "prospect"]);
/** An in-person contact's check against its customer's pin (docs/verified-visits.md). */
export const visitCheckEnum = pgEnum("visit_check", ["on_site", "off_site", "no_position", "no_pin"]);
export type VisitCheckState = (typeof visitCheckEnum.enumValues)[number];

/**
 * A contact (第四条 2): classed `existing` or `prospect` when logged, never edited.
 * Append-only: a mistake is voided by a row in contact_voids.
 */
export const contacts = pgTable(
  "contacts",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    repId: uuid("rep_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    channel: contactChannelEnum("channel").notNull(),
    inPerson: boolean("in_person").notNull(),
    target: contactTargetEnum("target").notNull(),
    outcome: contactOutcomeEnum("outcome").notNull().default("none"),
    notes: text("notes"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    /** club day and month of occurredAt, fixed at write time */
    day: date("day", { mode: "string" }).notNull(),
    month: text("month").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** the approved public promotion (第五条 1.2) it was made at, if any */
    promotionId: uuid("promotion_id"),
    /** in person only: the check against the customer's pin, fixed at logging (NULL for phone and letter) */
    visitCheck: visitCheckEnum("visit_check"),
    /** metres from the customer's pin; NULL without a position or a pin */
    distanceM: integer("distance_m"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.promotionId], foreignColumns: [promotions.tenantId, promotions.id] }),
    index("contacts_promotion_idx").on(t.tenantId, t.promotionId).where(sql`${t.promotionId} is not null`),
    index("contacts_rep_idx").on(t.tenantId, t.repId, t.occurredAt, t.id),
    index("contacts_rep_month_idx").on(t.tenantId, t.repId, t.month),
    index("contacts_customer_idx").on(t.tenantId, t.customerId, t.occurredAt, t.id),
    index("contacts_month_idx").on(t.tenantId, t.month, t.occurredAt, t.id),
  ],
);

/** Voiding a contact, with its reason. Append-only; a contact is voided at most once. */
export const contactVoids = pgTable(
  "contact_voids",
  {
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id").notNull(),
    reason: text("reason").notNull(),
    voidedBy: uuid("voided_by"),
    voidedAt: timestamp("voided_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.contactId] }),
    foreignKey({ columns: [t.tenantId, t.contactId], foreignColumns: [contacts.tenantId, contacts.id] }),
  ],
);

/**
 * Where the phone was when an in-person contact was logged (personal data): read only
 * by the contact's rep and managers, deleted by the retention job after the club's
 * position_retention_days; the contact keeps its check and distance.
 */
export const contactPositions = pgTable(
  "contact_positions",
  {
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id").notNull(),
    lat: doublePrecision("lat").notNull(),
    lng: doublePrecision("lng").notNull(),
    accuracyM: real("accuracy_m").notNull(),
    takenAt: timestamp("taken_at", { withTimezone: true }),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.contactId] }),
    foreignKey({ columns: [t.tenantId, t.contactId], foreignColumns: [contacts.tenantId, contacts.id] }),
    index("contact_positions_recorded_idx").on(t.tenantId, t.recordedAt),
  ],
);

/** A manager's acceptance of an unverified in-person contact, with the reason. Append-only; at most once. */
export const contactAcceptances = pgTable(
  "contact_acceptances",
  {
    tenantId: uuid("tenant_id").notNull(),
    contactId: uuid("contact_id").notNull(),
    reason: text("reason").notNull(),
    acceptedBy: uuid("accepted_by").notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.contactId] }),
    foreignKey({ columns: [t.tenantId, t.contactId], foreignColumns: [contacts.tenantId, contacts.id] }),
  ],
);

/** The contact counters of a rep's day or month (fresh column builders for each table). */
const contactCounters = () => ({
  existingInPerson: integer("existing_in_person").notNull().default(0),
  prospectInPerson: integer("prospect_in_person").notNull().default(0),
  visits: integer("visits").notNull().default(0),
  demos: integer("demos").notNull().default(0),
  calls: integer("calls").notNull().default(0),
  letters: integer("letters").notNull().default(0),
  /** in-person checks: off_site, no_position and no_pin count the contacts not accepted */
  onSite: integer("on_site").notNull().default(0),
  offSite: integer("off_site").notNull().default(0),
  noPosition: integer("no_position").notNull().default(0),
  noPin: integer("no_pin").notNull().default(0),
  accepted: integer("accepted").notNull().default(0),
});

/**
 * Per rep and club day: counts maintained in the same transaction as each contact
 * (and its void), so ratio, diary figures and "contacts today" read a few rows.
 */
export const repDayContacts = pgTable(
  "rep_day_contacts",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    month: text("month").notNull(),
    ...contactCounters(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.repId, t.day] }),
    index("rep_day_contacts_month_idx").on(t.tenantId, t.month, t.repId),
    // the live boards' "contacts today" (every rep's row of one day): without it, a probe per rep of the primary key
    index("rep_day_contacts_day_idx").on(t.tenantId, t.day),
  ],
);

/**
 * Per rep and club month: the same counts as rep_day_contacts, maintained by the same
 * statement (day row first, then month row), so leaderboards sum a row per rep and
 * month instead of a row per rep and day.
 */
export const repMonthContacts = pgTable(
  "rep_month_contacts",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    month: text("month").notNull(),
    ...contactCounters(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.month] }), index("rep_month_contacts_month_idx").on(t.tenantId, t.month, t.repId)],
);

/**
 * Idempotency-Key records: a replay of the same key by the same user returns the
 * first response; the same key with another body is a conflict. Kept 30 days, so a
 * phone that was offline for a week still replays safely.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: uuid("tenant_id").notNull(),
    userId: uuid("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    status: integer("status").notNull(),
    response: jsonb("response").$type<unknown>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId, t.key] }), index("idempotency_keys_created_idx").on(t.tenantId, t.createdAt)],
);

export const reviewDecisionEnum = pgEnum("review_decision", ["continue", "reassign", "drop"]);

/** A manager's prospect-review decision (SPEC §5), who and when. Append-only. */
export const prospectReviews = pgTable(
  "prospect_reviews",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    decision: reviewDecisionEnum("decision").notNull(),
    fromOwnerId: uuid("from_owner_id").notNull(),
    toOwnerId: uuid("to_owner_id"),
    contactsCounted: integer("contacts_counted").notNull(),
    decidedBy: uuid("decided_by").notNull(),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    index("prospect_reviews_customer_idx").on(t.tenantId, t.customerId, t.decidedAt),
  ],
);

/** 制定客户访问计划: a rep's planned contacts by club day. */
export const visitPlans = pgTable(
  "visit_plans",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    repId: uuid("rep_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    channel: contactChannelEnum("channel"),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete("cascade"),
    index("visit_plans_rep_day_idx").on(t.tenantId, t.repId, t.day),
  ],
);

/**
 * 业务发展工作日志: one per rep per club day. The rep types working time, targets,
 * progress and notes; the figures are derived from the ledger and frozen at submit.
 * A trigger refuses any change to a submitted diary's own fields.
 */
export const diaries = pgTable(
  "diaries",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    workingTime: text("working_time"),
    targets: text("targets"),
    progress: text("progress"),
    notes: text("notes"),
    figures: jsonb("figures").$type<Record<string, number>>(),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    managerComment: text("manager_comment"),
    commentedBy: uuid("commented_by"),
    commentedAt: timestamp("commented_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.day] }), index("diaries_day_idx").on(t.tenantId, t.day)],
);
