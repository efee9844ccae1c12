import { createResource, createSignal, Match, Show, Switch } from "solid-js";

interface Me {
  user: { id: string; name: string; email: string; role: string };
  tenant: { id: string; name: string; slug: string };
}
interface ApiError {
  error: { code: string; message: string; fields?: Record<string, string> };
}

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/api/v1${path}`, { credentials: "same-origin", headers: { "content-type": "application/json" }, ...init });
  if (res.status === 204) return undefined as T;
  const body = await res.json();
  if (!res.ok) throw new Error((body as ApiError).error.message);
  return body as T;
}

const zh = navigator.language.toLowerCase().startsWith("zh");
const t = (zhText: string, en: string) => (zh ? zhText : en);

export function App() {
  const [me, { refetch, mutate }] = createResource(() => api<Me>("/me").catch(() => null));
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);

  async function signIn(e: SubmitEvent) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError("");
    try {
      await api("/auth/login", { method: "POST", body: JSON.stringify(Object.fromEntries(form)) });
      await refetch();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    await api("/auth/logout", { method: "POST" });
    mutate(null);
  }

  return (
    <main class="shell">
      <h1>Clubhouse</h1>
      <Switch>
        <Match when={me.loading}>
          <p>{t("载入中…", "Loading…")}</p>
        </Match>
        <Match when={me()}>
          {(m) => (
            <section class="card">
              <p data-testid="welcome">
                {m().user.name} · {m().tenant.name} · {m().user.role}
              </p>
              <button type="button" onClick={signOut}>
                {t("退出", "Sign out")}
              </button>
            </section>
          )}
        </Match>
        <Match when={!me()}>
          <form class="card" onSubmit={signIn}>
            <label>
              {t("俱乐部", "Club")}
              <input name="club" autocomplete="organization" required value="demo" />
            </label>
            <label>
              {t("邮箱", "Email")}
              <input name="email" type="email" autocomplete="username" required />
            </label>
            <label>
              {t("密码", "Password")}
              <input name="password" type="password" autocomplete="current-password" required />
            </label>
            <Show when={error()}>
              <p role="alert" class="error">
                {error()}
              </p>
            </Show>
            <button type="submit" disabled={busy()}>
              {t("登录", "Sign in")}
            </button>
          </form>
        </Match>
      </Switch>
    </main>
  );
}
