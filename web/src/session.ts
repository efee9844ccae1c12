import { createEffect, createRoot, createSignal } from "solid-js";
import { ApiError, client, data, type Me, NetworkError, setSignedOut, signedOut } from "./api.ts";
import { clearCache, readCache, setCacheScope, writeCache } from "./cache.ts";
import { setClubTimezone } from "./format.ts";
import { connectLive, disconnectLive } from "./live.ts";
import { startOutbox, stopOutbox } from "./offline/outbox.ts";

const ME_KEY = "me";
/** The club code of the last sign-in, filled in on the sign-in form next time. */
export const CLUB_KEY = "clubhouse.club";
/**
 * A sign-out the server has not heard yet (the phone was offline). The session
 * cookie is HttpOnly, so the page cannot delete it; it stays in the browser until
 * POST /auth/logout with it ends the session, which is sent as soon as the network
 * returns (and before any new sign-in, which would replace the cookie).
 */
const LOGOUT_KEY = "clubhouse.pendingLogout";
const [me, setMe] = createSignal<Me | null>(null);
const [ready, setReady] = createSignal(false);
/** why the sign-in form shows: the server ended the session, or the rep signed out offline */
const NOTICE_KEY = "clubhouse.signInNotice";
type Notice = "expired" | "offline" | null;
const [notice, setNoticeSignal] = createSignal<Notice>(readNotice());
function readNotice(): Notice {
  try {
    const v = localStorage.getItem(NOTICE_KEY);
    return v === "expired" || v === "offline" ? v : null;
  } catch {
    return null;
  }
}
/** Kept on the device, so a reload still says why the sign-in form is there. */
function setNotice(n: Notice) {
  try {
    if (n) localStorage.setItem(NOTICE_KEY, n);
    else localStorage.removeItem(NOTICE_KEY);
  } catch {}
  setNoticeSignal(n);
}

export { me, notice, ready };

function pendingLogout(): { userId: string; at: string } | null {
  try {
    return JSON.parse(localStorage.getItem(LOGOUT_KEY) ?? "null");
  } catch {
    return null;
  }
}

let logoutRetry: ReturnType<typeof setTimeout> | undefined;

/** End the remembered session on the server; true when it is ended (or was already). */
export async function sendPendingLogout(): Promise<boolean> {
  if (!pendingLogout()) return true;
  clearTimeout(logoutRetry);
  try {
    await client.auth.logout.$post();
  } catch (err) {
    // 401: the session is already gone; anything else (no network, server down): later.
    if (!(err instanceof ApiError && err.status === 401)) {
      logoutRetry = setTimeout(() => void sendPendingLogout(), 15_000);
      return false;
    }
  }
  localStorage.removeItem(LOGOUT_KEY);
  setSignedOut(false);
  if (notice() === "offline") setNotice(null);
  return true;
}
if (typeof window !== "undefined") window.addEventListener("online", () => void sendPendingLogout());

// The server said the session is gone (401) while someone was signed in: forget it here too.
createRoot(() =>
  createEffect(() => {
    if (signedOut() && me() && !pendingLogout()) void endSession("expired");
  }),
);

export const isManager = () => {
  const r = me()?.user.role;
  return r === "manager" || r === "admin";
};

/** A team lead: the manager's desk, scoped by the server to their team (docs/access.md). */
export const isLead = () => me()?.user.role === "lead";

function begin(m: Me) {
  // signed-out cleared first: with a user and the old flag together, the session would look expired
  setSignedOut(false);
  setMe(m);
  setClubTimezone(m.tenant.timezone);
  setCacheScope(m.user.id);
  writeCache(ME_KEY, m, "global");
  startOutbox(m.user.id);
  // The server ended this session (signed out elsewhere, disabled, expired); or a
  // manager changed this user's role: who they are is read again and the shell follows.
  connectLive(
    () => void endSession("expired"),
    () => void refreshMe(),
  );
}

async function refreshMe() {
  try {
    const m = await data(client.me.$get());
    // signed out meanwhile: nothing to refresh; unchanged (the usual answer on connecting): nothing to redraw
    if (!me() || JSON.stringify(m) === JSON.stringify(me())) return;
    setMe(m);
    writeCache(ME_KEY, m, "global");
  } catch {}
}

/** Who is signed in: from the server, or (offline) from the last time we asked, so the shell opens without a network. */
export async function loadSession() {
  try {
    // Signed out offline: the cookie still works until the server hears the sign-out.
    if (pendingLogout()) {
      setNotice("offline");
      void sendPendingLogout();
      setMe(null);
      return;
    }
    begin(await data(client.me.$get()));
  } catch (err) {
    const cached = readCache<Me>(ME_KEY, "global");
    if (err instanceof NetworkError && cached) begin(cached.data);
    else {
      // A session this phone had, refused by the server: it expired.
      if (err instanceof ApiError && err.status === 401 && cached) {
        setNotice("expired");
        clearCache();
      }
      setMe(null);
    }
  } finally {
    setReady(true);
  }
}

export async function signIn(form: { club: string; email: string; password: string }) {
  // The old session first: a new sign-in replaces its cookie, and then nothing could end it.
  if (!(await sendPendingLogout())) throw new NetworkError("the previous session could not be ended yet");
  const res = await data(client.auth.login.$post({ json: form }));
  try {
    localStorage.setItem(CLUB_KEY, form.club.trim());
  } catch {}
  setNotice(null);
  begin({ user: res.user, tenant: res.tenant } as Me);
}

async function endSession(why: "expired" | "offline" | null = null) {
  disconnectLive();
  stopOutbox();
  // Scope first: an answer in flight that arrives after this is not written back.
  setCacheScope("");
  clearCache();
  setNotice(why);
  setMe(null);
}

/**
 * Sign out. The phone forgets the session at once, online or not; when the server
 * cannot be reached, the sign-out is remembered and sent when the network returns.
 */
export async function signOut() {
  const userId = me()?.user.id ?? "";
  try {
    await client.auth.logout.$post();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) {
      localStorage.setItem(LOGOUT_KEY, JSON.stringify({ userId, at: new Date().toISOString() }));
      await endSession("offline");
      logoutRetry = setTimeout(() => void sendPendingLogout(), 15_000);
      return;
    }
  }
  await endSession();
}
