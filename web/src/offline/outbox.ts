/**
 * Contacts logged on the phone wait here until the server has them (SPEC §5:
 * offline phones replay). Each one gets its Idempotency-Key when it is logged,
 * and keeps it across retries, reloads and restarts, so a replay stores nothing
 * new: never lost (kept in localStorage until a 2xx), never doubled (same key).
 */
import { createSignal } from "solid-js";
import { ApiError, type Contact, client, data } from "../api.ts";
import type { Channel, Outcome } from "../types.ts";

export interface QueuedContact {
  key: string;
  /** whose contact it is: only that user's session sends it */
  userId: string;
  customerId: string;
  customerName: string;
  channel: Channel;
  outcome: Outcome;
  notes?: string;
  occurredAt: string;
  /** holding: the note sheet is still open; pending: waiting to send; failed: the server refused it */
  state: "holding" | "pending" | "failed";
  error?: string;
}

export interface SentContact {
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
const [sending, setSending] = createSignal(false);

export { queue, sending, sent };

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

let currentUser = "";
const [userSignal, setUserSignal] = createSignal("");
/** The signed-in user's queued contacts. */
export const mine = () => queue().filter((q) => q.userId === userSignal());

const holds = new Map<string, ReturnType<typeof setTimeout>>();

/**
 * Log a contact: stored on the device at once (that is the save), sent when the
 * note step closes, or after a few quiet seconds if it stays open.
 */
export function logContact(input: Omit<QueuedContact, "key" | "state" | "userId">): string {
  const key = crypto.randomUUID();
  setQueue((q) => [...q, { ...input, key, userId: currentUser, state: "holding" }]);
  holds.set(
    key,
    setTimeout(() => release(key), HOLD_MS),
  );
  return key;
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

async function sendAll(): Promise<void> {
  setSending(true);
  const tried = new Set<string>();
  // Re-read the queue each time: contacts released while we were sending go out in this round too.
  for (;;) {
    const c = read<QueuedContact>(QUEUE_KEY).find((x) => x.state === "pending" && x.userId === currentUser && !tried.has(x.key));
    if (!c) return;
    tried.add(c.key);
    try {
      const json = {
        customerId: c.customerId,
        channel: c.channel,
        outcome: c.outcome,
        occurredAt: c.occurredAt,
        ...(c.notes ? { notes: c.notes } : {}),
      };
      const saved = await data(client.contacts.$post({ json }, { headers: { "Idempotency-Key": c.key } }));
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
      });
    } catch (err) {
      if (refused(err)) {
        // Keep it visible with the server's reason until the rep dismisses it.
        const msg = Object.values(err.fields).join("; ") || err.message;
        setQueue((q) => q.map((x) => (x.key === c.key ? { ...x, state: "failed", error: msg } : x)));
        continue;
      }
      // No network, the server busy or the session gone: keep everything and try again later.
      scheduleRetry();
      return;
    }
  }
}

let listening = false;

/** Start sending: now, whenever the network comes back, and when another tab changes the queue. */
export function startOutbox(userId: string) {
  currentUser = userId;
  setUserSignal(userId);
  // Contacts held when the app was closed were saved; send them now.
  setQueue((q) => q.map((c) => (c.state === "holding" ? { ...c, state: "pending" } : c)));
  if (!listening) {
    listening = true;
    window.addEventListener("online", () => void flush());
    window.addEventListener("storage", (e) => {
      if (e.key === QUEUE_KEY) setQueueSignal(read<QueuedContact>(QUEUE_KEY));
      if (e.key === SENT_KEY) setSentSignal(read<SentContact>(SENT_KEY));
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
