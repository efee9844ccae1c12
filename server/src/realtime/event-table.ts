import { z } from "zod";

/**
 * The live channel's events (docs/realtime.md), in one table: each event's name, the schema
 * of its payload and who receives it. `ServerToClientEvents` (events.ts, shared with
 * the web client) is derived from it, services publish through it (outbox.ts), the
 * rooms an event goes to come from it, and the live contract in docs/realtime.md is
 * written from it (`pnpm docs:live`).
 *
 * Two kinds of events:
 * - `published`: a write announces it after its transaction commits (outbox.ts,
 *   `publishAfterCommit` / `publishCommitted`); it goes to the rooms its `to` names:
 *   `club` (every signed-in socket of the club: reps, leads, managers, admins),
 *   `managers` (managers and admins), `rep` (the sockets of the rep the payload's
 *   `repId` names, when `toRep` allows it). A team lead is in the club's room and their
 *   team's, in neither the managers' nor a rep's: they hear `club` events, and see
 *   their team's reps' writes through their team's part of the boards.
 * - `channel`: the live channel sends it itself (boards after a recompute, the end of
 *   a session, a role change); `audience` says to whom, in words.
 */

/** Who a published event goes to, inside one club. */
export type Recipient = "club" | "managers" | "rep";

const id = z.guid();
const instant = z.iso.datetime({ offset: true });

export const leaderboardPeriod = z.enum(["month", "quarter", "year"]);

export const leaderboardRow = z.object({
  rank: z.number(),
  repId: z.string(),
  name: z.string(),
  revenue: z.number(),
  target: z.number().nullable(),
  attainment: z.number().nullable(),
});

const boardRow = z.record(z.string(), z.unknown());

/** board-delta.ts's `BoardDelta`, as it goes on the wire. */
export const boardDelta = z.object({
  /** the version the delta applies to: a client holding another one asks `board:sync` */
  from: z.number(),
  version: z.number(),
  /** changed leaves, by dotted path */
  set: z.record(z.string(), z.unknown()).optional(),
  /** vanished leaves, by dotted path */
  unset: z.array(z.string()).optional(),
  /** keyed lists: rows changed or added (without `rank`), keys removed */
  lists: z.record(z.string(), z.object({ upsert: z.array(boardRow).optional(), remove: z.array(z.string()).optional() })).optional(),
});

interface Published<S extends z.ZodType> {
  kind: "published";
  schema: S;
  to: readonly Recipient[];
  /** With `rep` in `to`: whether this payload goes to its rep too (default: always). */
  toRep?: (payload: z.infer<S>) => boolean;
  /** When the rep does not get it, in words (for the docs). */
  toRepWhen?: string;
  about: string;
}

interface Channel<S extends z.ZodType> {
  kind: "channel";
  schema: S;
  audience: string;
  leads: string;
  about: string;
}

const published = <S extends z.ZodType>(spec: Omit<Published<S>, "kind">): Published<S> => ({ kind: "published", ...spec });
const channel = <S extends z.ZodType>(spec: Omit<Channel<S>, "kind">): Channel<S> => ({ kind: "channel", ...spec });

export const liveEvents = {
  "leaderboard:update": channel({
    schema: z.object({ period: leaderboardPeriod, at: z.string(), rows: z.array(leaderboardRow), version: z.number() }),
    audience: "sockets that take full snapshots, after each recompute: one per period, from the same versioned snapshot",
    leads: "as everyone (the club's leaderboard), when they take full snapshots",
    about: "docs/realtime.md's leaderboard, one period at a time.",
  }),
  "quota:alarm": published({
    schema: z.looseObject({
      id: z.string(),
      repId: z.string(),
      level: z.string().nullable(),
      kind: z.enum(["raised", "cleared", "acknowledged", "warning", "removal"]),
      at: z.string(),
    }),
    to: ["managers", "rep"],
    toRep: (p) => p.kind !== "acknowledged",
    toRepWhen: "not an acknowledgement (managers only)",
    about:
      "An alarm raised or cleared (pace), a month's warning or removal (month close), or acknowledged (one, or `bulk: true` with `count` and `filter`).",
  }),
  "contact:logged": published({
    schema: z.strictObject({
      id,
      repId: id,
      customerId: id,
      channel: z.string(),
      target: z.enum(["existing", "prospect"]),
      occurredAt: instant,
    }),
    to: ["managers", "rep"],
    about: "A contact was logged (not on an idempotent replay).",
  }),
  "promotion:changed": published({
    schema: z.strictObject({
      id,
      repId: id,
      status: z.enum(["requested", "approved", "refused", "cancelled"]),
      place: z.string(),
      startsAt: instant,
      endsAt: instant,
    }),
    to: ["managers", "rep"],
    about: "A public promotion (第五条 1.2) was asked for, approved, refused or cancelled.",
  }),
  "standing:changed": published({
    schema: z.looseObject({ repId: z.string() }),
    to: ["managers", "rep"],
    about: "A closed month's outcome for a rep (`month`, `outcome`, `departmentBonusSuspended`).",
  }),
  "revenue:recorded": published({
    schema: z.strictObject({ id, repId: id, customerId: id, amount: z.number(), occurredAt: instant }),
    to: ["managers", "rep"],
    about: "Revenue was recorded (an entry, a reversal, an import's rows, a card sale), in yuan.",
  }),
  "card:sold": published({
    schema: z.strictObject({ id, repId: id, cardType: z.string(), amount: z.number(), occurredAt: instant }),
    to: ["club"],
    about: "A card was sold (the wall TV's celebration): the rep, the card type, the price; never the customer.",
  }),
  "board:snapshot": channel({
    schema: z.object({ version: z.number(), boards: z.record(z.string(), z.unknown()) }),
    audience:
      "each socket its role's boards: at connect, reconnect without recovery, role change, and after a recompute to sockets that take full snapshots (or when no delta can be made)",
    leads: "the club part with their team's part, in their team's room",
    about: "The boards a socket may see, complete: it replaces what the client showed.",
  }),
  "board:delta": channel({
    schema: boardDelta,
    audience: "sockets that opted in (`auth: {deltas: true}`), after a recompute, instead of a full snapshot and `leaderboard:update`",
    leads: "the club part's delta merged with their team's part's, in their team's room",
    about: "What changed since version `from` (board-delta.ts); a client holding another version asks `board:sync`.",
  }),
  "session:ended": channel({
    schema: z.object({ reason: z.string() }),
    audience:
      "the sockets of the ended session (sign-out), or of every session of the user (disable, password reset), just before they are disconnected",
    leads: "as everyone",
    about: "The session ended; the socket is disconnected next.",
  }),
  "role:changed": channel({
    schema: z.object({ role: z.string() }),
    audience: "the user's own sockets, when their role changed",
    leads: "as everyone",
    about: "The app reloads who the user is and switches its shell; a fresh `board:snapshot` follows.",
  }),
} as const;

export type LiveEventName = keyof typeof liveEvents;
export type LivePayload<K extends LiveEventName> = z.infer<(typeof liveEvents)[K]["schema"]>;

/** The events a write publishes (after commit); the others the live channel sends itself. */
export type PublishedName = { [K in LiveEventName]: (typeof liveEvents)[K] extends { kind: "published" } ? K : never }[LiveEventName];

/** One event a write announces: its rooms come from the table. */
export type Announced = { [K in PublishedName]: { event: K; payload: LivePayload<K> } }[PublishedName];

/** The event as the table declares it, whichever kind. */
export function specOf(event: LiveEventName): Published<z.ZodType> | Channel<z.ZodType> {
  return liveEvents[event] as Published<z.ZodType> | Channel<z.ZodType>;
}

/** Who inside the club an announced event goes to, by the table: the rooms to emit it to. */
export function recipientsOf(e: Announced): ({ to: "club" } | { to: "managers" } | { to: "rep"; repId: string })[] {
  const spec = liveEvents[e.event] as Published<z.ZodType>;
  const out: ({ to: "club" } | { to: "managers" } | { to: "rep"; repId: string })[] = [];
  for (const r of spec.to) {
    if (r === "club") out.push({ to: "club" });
    else if (r === "managers") out.push({ to: "managers" });
    else {
      const repId = (e.payload as { repId?: unknown }).repId;
      if (typeof repId === "string" && repId && (spec.toRep?.(e.payload) ?? true)) out.push({ to: "rep", repId });
    }
  }
  return out;
}

/** A member of a club as the live channel sees them. */
export interface Listener {
  role: "admin" | "manager" | "lead" | "rep";
  userId: string;
}

/** Whether the table sends this published event to this member of the same club. */
export function reaches(e: Announced, who: Listener): boolean {
  const spec = liveEvents[e.event] as Published<z.ZodType>;
  const manager = who.role === "admin" || who.role === "manager";
  if (spec.to.includes("club")) return true;
  if (spec.to.includes("managers") && manager) return true;
  if (spec.to.includes("rep") && who.role === "rep") {
    const repId = (e.payload as { repId?: unknown }).repId;
    return repId === who.userId && (spec.toRep?.(e.payload) ?? true);
  }
  return false;
}

/** The first mismatch of a payload with its event's schema, in words; null when it matches. */
export function payloadProblem(event: string, payload: unknown): string | null {
  if (!Object.hasOwn(liveEvents, event)) return `unknown event ${event}`;
  const parsed = specOf(event as LiveEventName).schema.safeParse(payload);
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`).join("; ");
}
