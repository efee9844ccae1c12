import { createSignal } from "solid-js";
import { client, data, type Me, NetworkError, setSignedOut } from "./api.ts";
import { clearCache, readCache, setCacheScope, writeCache } from "./cache.ts";
import { setClubTimezone } from "./format.ts";
import { connectLive, disconnectLive } from "./live.ts";
import { startOutbox, stopOutbox } from "./offline/outbox.ts";

const ME_KEY = "me";
const [me, setMe] = createSignal<Me | null>(null);
const [ready, setReady] = createSignal(false);

export { me, ready };

export const isManager = () => {
  const r = me()?.user.role;
  return r === "manager" || r === "admin";
};

function begin(m: Me) {
  setMe(m);
  setSignedOut(false);
  setClubTimezone(m.tenant.timezone);
  setCacheScope(m.user.id);
  writeCache(ME_KEY, m, "global");
  startOutbox(m.user.id);
  connectLive(() => void endSession());
}

/** Who is signed in: from the server, or (offline) from the last time we asked, so the shell opens without a network. */
export async function loadSession() {
  try {
    begin(await data(client.me.$get()));
  } catch (err) {
    const cached = readCache<Me>(ME_KEY, "global");
    if (err instanceof NetworkError && cached) begin(cached.data);
    else setMe(null);
  } finally {
    setReady(true);
  }
}

export async function signIn(form: { club: string; email: string; password: string }) {
  const res = await data(client.auth.login.$post({ json: form }));
  begin({ user: res.user, tenant: res.tenant } as Me);
}

async function endSession() {
  disconnectLive();
  stopOutbox();
  clearCache();
  setMe(null);
}

export async function signOut() {
  try {
    await client.auth.logout.$post();
  } catch {}
  await endSession();
}
