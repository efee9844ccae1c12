/**
 * Contacts logged on the phone wait here until the server has them (docs/regulation.md, 第四条 2:
 * offline phones replay). Each one gets its Idempotency-Key when it is logged,
 * and keeps it across retries, reloads and restarts, so a replay stores nothing
 * new: never lost (kept in localStorage until a 2xx), never doubled (same key).
 */
import { createSignal } from "solid-js";
import { ApiError, type Contact, type Customer, client, data } from "../api.ts";
import type { FieldCoded } from "../i18n/fields.ts";
import type { Channel, Outcome } from "../types.ts";
import { contactBody, mendRefused, type PositionResult, type SentVisit, sentVisit, type VisitFields } from "./contact-body.ts";

/** A contact on the phone; a visit or demo also carries the position read when it was logged (VisitFields). */
export interface QueuedContact extends VisitFields {
  key: string;
  /** whose contact it is: only that user's session sends it */
  userId: string;
  customerId: string;
  customerName: string;
  channel: Channel;
  outcome: Outcome;
  notes?: string;
  occurredAt: string;
  /** the approved public promotion (第五条 1.2) it was made at */
  promotionId?: string;
  /** holding: the note sheet is still open; pending: waiting to send; failed: the server refused it */
  state: "holding" | "pending" | "failed";
  error?: string;
  /** the server's error code, shown in the reader's language */
  code?: string;
  /** each refused field's code and parameters, worded in the reader's language */
  fieldCodes?: Record<string, FieldCoded>;
}

/**
 * A prospect added on the phone. Until the server has it, it lives in the lists as
 * `new:<key>`, and contacts logged against it wait for it (they name that id and are
 * rewritten to the server's id once it answers).
 */
export interface QueuedCustomer {
  key: string;
  userId: string;
  name: string;
  kind: "group" | "individual";
  phone?: string;
  notes?: string;
  createdAt: string;
  state: "pending" | "failed";
  code?: string;
  fields?: Record<string, string>;
  fieldCodes?: Record<string, FieldCoded>;
}

export interface SentContact extends SentVisit {
  key: string;
  id: string;
  customerId: string;
  customerName: string;
  channel: Channel;
  outcome: Outcome;
  target?: Contact["target"];
  occurredAt: string;
}

const QUEUE_KEY = "clubhouse.outbox.v1";
const SENT_KEY = "clubhouse.sent.v1";
const NEW_KEY = "clubhouse.newcustomers.v1";
/** `new:<key>` → the server's id, for contacts queued against a prospect that has since gone out */
const CREATED_KEY = "clubhouse.created.v1";
export const LOCAL_PREFIX = "new:";
const HOLD_MS = 8_000;
const RETRY_MS = 15_000;

function read<T>(key: string): T[] {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? "[]");
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

const [queue, setQueueSignal] = createSignal<QueuedContact[]>(read(QUEUE_KEY));
const [sent, setSentSignal] = createSignal<SentContact[]>(read(SENT_KEY));
const [newCustomers, setNewCustomersSignal] = createSignal<QueuedCustomer[]>(read(NEW_KEY));
const [createdTick, setCreatedTick] = createSignal(0);
const [sending, setSending] = createSignal(false);

export { createdTick, queue, sending, sent };

function setNewCustomers(fn: (q: QueuedCustomer[]) => QueuedCustomer[]) {
  const next = fn(read<QueuedCustomer>(NEW_KEY));
  localStorage.setItem(NEW_KEY, JSON.stringify(next));
  setNewCustomersSignal(next);
}
function createdIds(): Record<string, string> {
  try {
    const v = JSON.parse(localStorage.getItem(CREATED_KEY) ?? "{}");
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}
/** The server's id of a customer, for one added on the phone that has gone out; otherwise the id itself. */
export function resolveId(id: string): string {
  return id.startsWith(LOCAL_PREFIX) ? (createdIds()[id] ?? id) : id;
}

function setQueue(fn: (q: QueuedContact[]) => QueuedContact[]) {
  // Re-read first: another tab may have changed the queue since we last looked.
  const next = fn(read<QueuedContact>(QUEUE_KEY));
  localStorage.setItem(QUEUE_KEY, JSON.stringify(next));
  setQueueSignal(next);
}
function addSent(s: SentContact) {
  const next = [s, ...read<SentContact>(SENT_KEY).filter((x) => x.key !== s.key)].slice(0, 30);
  localStorage.setItem(SENT_KEY, JSON.stringify(next));
  setSentSignal(next);
}

/** How many contacts are on this phone and not yet on the server. */
export const waiting = () => mine().filter((q) => q.state === "pending").length;
/** The signed-in user's prospects added on this phone and not yet on the server (or refused by it). */
export const myNewCustomers = () => newCustomers().filter((c) => c.userId === userSignal());
export const waitingCustomers = () => myNewCustomers().filter((c) => c.state === "pending").length;

/** A prospect added on the phone, shaped as the server would show it, for the lists and the card. */
export function localCustomer(q: QueuedCustomer): Customer {
  return {
    id: `${LOCAL_PREFIX}${q.key}`,
    name: q.name,
    kind: q.kind,
    status: "prospect",
    ownerId: q.userId,
    tier: null,
    referredById: null,
    expectedMonthlySpend: null,
    lastMonthSpend: 0,
    profile: q.phone ? { phone: q.phone } : {},
    personal: {},
    features: {},
    transaction: q.notes ? { needs: q.notes } : {},
    customerSince: null,
    activeSince: null,
    lastInPersonAt: null,
    lastRefreshedAt: q.createdAt,
    stale: false,
    overdue: false,
    nextVisitDue: null,
    daysOverdue: 0,
    createdAt: q.createdAt,
    updatedAt: q.createdAt,
  } as Customer;
}

/**
 * Add a prospect: stored on the device at once (that is the save), sent as soon as
 * the network allows with its own Idempotency-Key, so a retried POST whose answer
 * was lost is still one customer. Returns its id in the lists (`new:<key>`).
 */
export function addCustomer(input: { name: string; kind: "group" | "individual"; phone?: string; notes?: string }): string {
  const key = crypto.randomUUID();
  const q: QueuedCustomer = {
    key,
    userId: currentUser,
    name: input.name.trim(),
    kind: input.kind,
    ...(input.phone?.trim() ? { phone: input.phone.trim() } : {}),
    ...(input.notes?.trim() ? { notes: input.notes.trim() } : {}),
    createdAt: new Date().toISOString(),
    state: "pending",
  };
  setNewCustomers((l) => [...l, q]);
  void flush();
  return `${LOCAL_PREFIX}${key}`;
}

/** Dismiss a prospect the server refused, and the contacts waiting for it. */
export function discardCustomer(key: string) {
  setNewCustomers((l) => l.filter((c) => c.key !== key));
  setQueue((q) => q.filter((c) => c.customerId !== `${LOCAL_PREFIX}${key}`));
}

let currentUser = "";
const [userSignal, setUserSignal] = createSignal("");
/** The signed-in user's queued contacts. */
export const mine = () => queue().filter((q) => q.userId === userSignal());

const holds = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Log a contact: stored on the device at once (that is the save), sent when the
 * note step closes, or after a few quiet seconds if it stays open (and, for a visit, its position is read).
 */
export function logContact(input: Omit<QueuedContact, "key" | "state" | "userId" | "sendKey">): string {
  const key = crypto.randomUUID();
  setQueue((q) => [...q, { ...input, customerId: resolveId(input.customerId), key, userId: currentUser, state: "holding" }]);
  holds.set(
    key,
    setTimeout(() => release(key), HOLD_MS),
  );
  return key;
}

/** The position read at logging (or why there is none) joins its contact, which may go out now. */
export function located(key: string, r: PositionResult) {
  setQueue((q) => q.map(({ locating, ...c }) => (c.key === key ? { ...c, ...r } : { ...c, ...(locating ? { locating } : {}) })));
  void flush();
}

/** While the note field has focus the contact waits for its note; after it loses focus, a few quiet seconds. */
export function holdWhileEditing(key: string, editing: boolean) {
  const h = holds.get(key);
  if (h === undefined) return;
  clearTimeout(h);
  holds.set(key, editing ? setTimeout(() => release(key), 10 * 60_000) : setTimeout(() => release(key), HOLD_MS));
}

/** The note step closed: attach the note (if any) and send. */
export function release(key: string, notes?: string) {
  clearTimeout(holds.get(key));
  holds.delete(key);
  setQueue((q) =>
    q.map((c) =>
      c.key === key && c.state === "holding" ? { ...c, state: "pending", ...(notes?.trim() ? { notes: notes.trim() } : {}) } : c,
    ),
  );
  void flush();
}

export function discard(key: string) {
  setQueue((q) => q.filter((c) => c.key !== key));
}

/** The contact being sent right now (it may already be on the server). */
let inFlight: string | undefined;

/**
 * Take back a contact logged on this phone (an undo): still waiting here, it is
 * removed and never sent; already sent (or on its way), its server id, so the caller
 * voids it there. Undefined when this phone knows neither.
 */
export async function takeBack(key: string): Promise<{ removed: true } | { id: string } | undefined> {
  if (inFlight !== key && read<QueuedContact>(QUEUE_KEY).some((c) => c.key === key)) {
    clearTimeout(holds.get(key));
    holds.delete(key);
    discard(key);
    return { removed: true };
  }
  if (inFlight === key) await flushing;
  const s = read<SentContact>(SENT_KEY).find((x) => x.key === key);
  return s ? { id: s.id } : undefined;
}

let flushing: Promise<void> | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;

function scheduleRetry() {
  clearTimeout(retry);
  retry = setTimeout(() => void flush(), RETRY_MS);
}

/** Send every pending contact, oldest first, each with its own stable Idempotency-Key. */
export function flush(): Promise<void> {
  // `.finally` runs after the assignment even when nothing awaits inside: no stale lock.
  flushing ??= sendAll().finally(() => {
    flushing = undefined;
    setSending(false);
  });
  return flushing;
}

/** Refused for good: resending the same request would be refused again (a dropped or reassigned customer, a bad field). */
function refused(err: unknown): err is ApiError {
  if (!(err instanceof ApiError)) return false;
  if (err.status === 404) return err.message !== "No such endpoint.";
  return err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 408 && err.status !== 429;
}

/** Send the prospects added on the phone, oldest first; false when the network (or server) is not there. */
async function sendCustomers(): Promise<boolean> {
  for (;;) {
    const n = read<QueuedCustomer>(NEW_KEY).find((x) => x.state === "pending" && x.userId === currentUser);
    if (!n) return true;
    try {
      const json = {
        name: n.name,
        kind: n.kind,
        ...(n.phone ? { profile: { phone: n.phone } } : {}),
        ...(n.notes ? { transaction: { needs: n.notes } } : {}),
      };
      const saved = await data(client.customers.$post({ json }, { headers: { "Idempotency-Key": n.key } }));
      const local = `${LOCAL_PREFIX}${n.key}`;
      // The id first, then the contacts waiting for it, then the prospect leaves the queue.
      localStorage.setItem(CREATED_KEY, JSON.stringify({ ...createdIds(), [local]: saved.id }));
      setQueue((q) => q.map((c) => (c.customerId === local ? { ...c, customerId: saved.id } : c)));
      setNewCustomers((l) => l.filter((x) => x.key !== n.key));
      setCreatedTick((x) => x + 1);
    } catch (err) {
      if (refused(err)) {
        setNewCustomers((l) =>
          l.map((x) => (x.key === n.key ? { ...x, state: "failed", code: err.code, fields: err.fields, fieldCodes: err.fieldCodes } : x)),
        );
        continue;
      }
      scheduleRetry();
      return false;
    }
  }
}

async function sendAll(): Promise<void> {
  setSending(true);
  if (!(await sendCustomers())) return;
  const tried = new Set<string>();
  // Re-read the queue each time: contacts released while we were sending go out in this round too.
  for (;;) {
    // A contact against a prospect the server does not have yet waits for it.
    const c = read<QueuedContact>(QUEUE_KEY).find(
      (x) =>
        x.state === "pending" && x.userId === currentUser && !tried.has(x.key) && !x.customerId.startsWith(LOCAL_PREFIX) && !x.locating,
    );
    if (!c) return;
    tried.add(c.key);
    inFlight = c.key;
    try {
      const saved = await data(client.contacts.$post({ json: contactBody(c) }, { headers: { "Idempotency-Key": c.sendKey ?? c.key } }));
      setQueue((q) => q.filter((x) => x.key !== c.key));
      addSent({
        key: c.key,
        id: saved.id,
        customerId: c.customerId,
        customerName: c.customerName,
        channel: c.channel,
        outcome: c.outcome,
        target: saved.target,
        occurredAt: c.occurredAt,
        ...sentVisit(c, saved.check),
      });
    } catch (err) {
      const mended = refused(err) ? mendRefused(c, err) : undefined;
      if (mended) {
        // Only its position was refused: the visit goes again without it (a new request: a new Idempotency-Key).
        setQueue((q) => q.map((x) => (x.key === c.key ? { ...mended, sendKey: crypto.randomUUID() } : x)));
        continue;
      }
      if (refused(err)) {
        // Keep it visible with the server's reason until the rep dismisses it.
        const msg = Object.values(err.fields).join("; ") || err.message;
        setQueue((q) =>
          q.map((x) => (x.key === c.key ? { ...x, state: "failed", error: msg, code: err.code, fieldCodes: err.fieldCodes } : x)),
        );
        continue;
      }
      // No network, the server busy or the session gone: keep everything and try again later.
      scheduleRetry();
      return;
    } finally {
      inFlight = undefined;
    }
  }
}

let listening = false;

/** Start sending: now, whenever the network comes back, and when another tab changes the queue. */
export function startOutbox(userId: string) {
  currentUser = userId;
  setUserSignal(userId);
  // Contacts held when the app was closed were saved; send them now (a position never read: none).
  setQueue((q) =>
    q.map(({ locating, ...c }) => ({
      ...c,
      ...(c.state === "holding" ? { state: "pending" } : {}),
      ...(locating ? { positionError: "unavailable" as const } : {}),
    })),
  );
  if (!listening) {
    listening = true;
    window.addEventListener("online", () => void flush());
    window.addEventListener("storage", (e) => {
      if (e.key === QUEUE_KEY) setQueueSignal(read<QueuedContact>(QUEUE_KEY));
      if (e.key === SENT_KEY) setSentSignal(read<SentContact>(SENT_KEY));
      if (e.key === NEW_KEY) setNewCustomersSignal(read<QueuedCustomer>(NEW_KEY));
    });
  }
  void flush();
}

/** On sign-out: what was sent is forgotten; what waits stays until its owner signs in again. */
export function stopOutbox() {
  currentUser = "";
  setUserSignal("");
  clearTimeout(retry);
  localStorage.removeItem(SENT_KEY);
  setSentSignal([]);
}
