/**
 * The one live-channel store (docs/realtime.md). One socket.io connection on the same
 * origin, authenticated by the session cookie. Boards are versioned: the app opts
 * in to deltas (`auth: {deltas: true}`), so after the first snapshot each recompute
 * sends only what changed (`board:delta`, applied with the server's own
 * board-delta.ts). A delta from a version we do not hold, or a version that jumps,
 * means we missed something: we ask `board:sync`. On a connect or reconnect that did
 * not recover missed events we sync too. Screens read `liveState()` and never show a
 * stale board without saying so.
 *
 * `tick` moves only when something may have been missed (a reconnect without
 * recovery, a version gap): screens that keep HTTP reads besides the board refetch
 * them then, and otherwise only on the events that concern them (`onLive`,
 * `onLiveSoon`). Board news alone never moves it: a board screen shows the snapshot.
 */
import { io, type Socket } from "socket.io-client";
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import { applyDelta } from "../../server/src/realtime/board-delta.ts";
import type { BoardDelta, ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type EventName = keyof ServerToClientEvents;
type Payload<K extends EventName> = Parameters<ServerToClientEvents[K]>[0];

export type LiveStatus = "connecting" | "live" | "stale";

const [status, setStatus] = createSignal<LiveStatus>("connecting");
/** When the last board news arrived (or the connection was last known good). */
const [lastUpdate, setLastUpdate] = createSignal<Date | null>(null);
const [boards, setBoards] = createSignal<Record<string, unknown>>({});
const [version, setVersion] = createSignal<number | null>(null);
/** Bumped when something may have been missed (reconnect without recovery, version gap): refetch what you keep besides the board. */
const [tick, setTick] = createSignal(0);

export const liveState = { status, lastUpdate, boards, version, tick };

let socket: LiveSocket | undefined;
const listeners = new Map<EventName, Set<(p: never) => void>>();
let onSessionEnded: (() => void) | undefined;
let onRoleChanged: (() => void) | undefined;

function missed() {
  setTick((n) => n + 1);
}

function applySnapshot(v: number, b: Record<string, unknown>) {
  const current = version();
  // Snapshots are complete, but an older one arriving late must not replace a newer one.
  if (current !== null && v < current) return;
  setVersion(v);
  setBoards(b);
  setLastUpdate(new Date());
  if (current !== null && v > current + 1) missed();
}

function applyBoardDelta(d: BoardDelta) {
  const current = version();
  if (current !== null && d.version <= current) return; // already as new (two processes may deliver out of order)
  if (current === null || d.from !== current) {
    // Not the version we hold (a delta computed on another process, a missed one): fetch the board whole.
    sync();
    return;
  }
  setBoards(applyDelta(boards(), d));
  setVersion(d.version);
  setLastUpdate(new Date());
}

let syncing = false;
function sync() {
  if (!socket || syncing) return;
  syncing = true;
  socket.timeout(10_000).emit("board:sync", (err, reply) => {
    syncing = false;
    if (err || !reply) return;
    // A version more than one above ours tells applySnapshot that news may have been missed.
    if (reply.ok) applySnapshot(reply.version, reply.boards);
    else setTimeout(sync, 2_000);
  });
}

function dispatch<K extends EventName>(name: K, payload: Payload<K>) {
  for (const fn of listeners.get(name) ?? []) (fn as (p: Payload<K>) => void)(payload);
}

/**
 * Open the channel (idempotent). Call after sign-in; `ended` runs when the server ends
 * this session, `roleChanged` when a manager changed the signed-in user's role — and on
 * every connection that was not recovered, since a change before it was not sent to it.
 */
export function connectLive(ended?: () => void, roleChanged?: () => void) {
  onSessionEnded = ended;
  onRoleChanged = roleChanged;
  if (socket) return;
  const s: LiveSocket = io({ withCredentials: true, reconnectionDelayMax: 10_000, auth: { deltas: true } });
  socket = s;
  setStatus("connecting");
  s.on("connect", () => {
    setStatus("live");
    setLastUpdate(new Date());
    // A recovered connection got its missed events replayed; otherwise fetch the boards as
    // they are now, and who the user is: a role changed before this socket joined (while
    // the page loaded, or offline) sent it no role:changed.
    if (!s.recovered) {
      sync();
      missed();
      onRoleChanged?.();
    }
  });
  s.on("disconnect", () => setStatus("stale"));
  s.on("connect_error", () => setStatus("stale"));
  s.on("board:snapshot", (e) => applySnapshot(e.version, e.boards));
  s.on("board:delta", (e) => {
    applyBoardDelta(e);
    dispatch("board:delta", e);
  });
  s.on("leaderboard:update", (e) => dispatch("leaderboard:update", e));
  s.on("quota:alarm", (e) => dispatch("quota:alarm", e));
  s.on("promotion:changed", (e) => dispatch("promotion:changed", e));
  s.on("contact:logged", (e) => dispatch("contact:logged", e));
  s.on("standing:changed", (e) => dispatch("standing:changed", e));
  s.on("revenue:recorded", (e) => dispatch("revenue:recorded", e));
  s.on("card:sold", (e) => dispatch("card:sold", e));
  s.on("session:ended", () => {
    disconnectLive();
    onSessionEnded?.();
  });
  s.on("role:changed", () => onRoleChanged?.());
}

export function disconnectLive() {
  socket?.disconnect();
  socket = undefined;
  setStatus("connecting");
  setVersion(null);
  setBoards({});
}

/** Subscribe to one live event; returns the unsubscribe function (use with onCleanup). */
export function onLive<K extends EventName>(name: K, fn: (p: Payload<K>) => void): () => void {
  let set = listeners.get(name);
  if (!set) {
    set = new Set();
    listeners.set(name, set);
  }
  set.add(fn as (p: never) => void);
  return () => set.delete(fn as (p: never) => void);
}

/**
 * In a component: run `fn` once, `ms` after a burst of the named events (those `when`
 * accepts) or of `tick` (something may have been missed) ends. For a screen that keeps
 * an HTTP read and wants it fresh only when news concerns it.
 */
export function useLiveSoon(names: EventName[], fn: () => void, opts: { when?: (p: unknown) => boolean; ms?: number } = {}) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const soon = (p?: unknown) => {
    if (p !== undefined && opts.when && !opts.when(p)) return;
    clearTimeout(timer);
    timer = setTimeout(fn, opts.ms ?? 300);
  };
  const offs = names.map((n) => onLive(n, soon));
  createEffect(on(tick, () => soon(), { defer: true }));
  onCleanup(() => {
    clearTimeout(timer);
    for (const off of offs) off();
  });
}

/** Ask the server to recompute and push the boards now (managers; the TV uses it after a long sleep). */
export function refreshBoards() {
  socket?.emit("board:refresh", () => {});
}
