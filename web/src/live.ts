/**
 * The one live-channel store (SPEC §10). One socket.io connection on the same
 * origin, authenticated by the session cookie. Boards are versioned snapshots:
 * on a connect or reconnect that did not recover missed events we ask for
 * `board:sync`; a version that jumps means we missed one, so we sync again.
 * Screens read `liveState()` and never show a stale board without saying so.
 */
import { io, type Socket } from "socket.io-client";
import { createSignal } from "solid-js";
import type { ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type EventName = keyof ServerToClientEvents;
type Payload<K extends EventName> = Parameters<ServerToClientEvents[K]>[0];

export type LiveStatus = "connecting" | "live" | "stale";

const [status, setStatus] = createSignal<LiveStatus>("connecting");
/** When the last board news arrived (or the connection was last known good). */
const [lastUpdate, setLastUpdate] = createSignal<Date | null>(null);
const [boards, setBoards] = createSignal<Record<string, unknown>>({});
const [version, setVersion] = createSignal<number | null>(null);
/** Bumped on every piece of board news; screens refetch what they show from HTTP when it changes. */
const [tick, setTick] = createSignal(0);

export const liveState = { status, lastUpdate, boards, version, tick };

let socket: LiveSocket | undefined;
const listeners = new Map<EventName, Set<(p: never) => void>>();
let onSessionEnded: (() => void) | undefined;
let onRoleChanged: (() => void) | undefined;

function touch() {
  setLastUpdate(new Date());
  setTick((n) => n + 1);
}

function applySnapshot(v: number, b: Record<string, unknown>) {
  const current = version();
  // Snapshots are complete, but an older one arriving late must not replace a newer one.
  if (current !== null && v < current) return;
  setVersion(v);
  setBoards(b);
  touch();
}

function sync() {
  socket?.timeout(10_000).emit("board:sync", (err, reply) => {
    if (err || !reply) return;
    if (reply.ok) applySnapshot(reply.version, reply.boards);
    else setTimeout(sync, 2_000);
  });
}

function dispatch<K extends EventName>(name: K, payload: Payload<K>) {
  for (const fn of listeners.get(name) ?? []) (fn as (p: Payload<K>) => void)(payload);
}

/**
 * Open the channel (idempotent). Call after sign-in; `ended` runs when the server ends
 * this session, `roleChanged` when a manager changed the signed-in user's role.
 */
export function connectLive(ended?: () => void, roleChanged?: () => void) {
  onSessionEnded = ended;
  onRoleChanged = roleChanged;
  if (socket) return;
  const s: LiveSocket = io({ withCredentials: true, reconnectionDelayMax: 10_000 });
  socket = s;
  setStatus("connecting");
  s.on("connect", () => {
    setStatus("live");
    // A recovered connection got its missed events replayed; otherwise fetch the boards as they are now.
    if (!s.recovered) sync();
    touch();
  });
  s.on("disconnect", () => setStatus("stale"));
  s.on("connect_error", () => setStatus("stale"));
  s.on("board:snapshot", (e) => applySnapshot(e.version, e.boards));
  s.on("leaderboard:update", (e) => {
    const current = version();
    if (current !== null && e.version > current + 1) sync();
    else if (current === null || e.version > current) setVersion(e.version);
    touch();
    dispatch("leaderboard:update", e);
  });
  s.on("quota:alarm", (e) => {
    touch();
    dispatch("quota:alarm", e);
  });
  s.on("contact:logged", (e) => {
    touch();
    dispatch("contact:logged", e);
  });
  s.on("standing:changed", (e) => {
    touch();
    dispatch("standing:changed", e);
  });
  s.on("revenue:recorded", (e) => {
    touch();
    dispatch("revenue:recorded", e);
  });
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

/** Ask the server to recompute and push the boards now (managers; the TV uses it after a long sleep). */
export function refreshBoards() {
  socket?.emit("board:refresh", () => {});
}
