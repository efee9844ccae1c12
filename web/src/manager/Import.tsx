import { createSignal, For, Show } from "solid-js";
import { ApiError, uploadCsv } from "../api.ts";
import { money } from "../format.ts";
import { t } from "../i18n/index.ts";
import { FormError, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";

type Kind = "revenue" | "customers";
const columns: Record<Kind, string> = {
  revenue: "customerId, amount, businessLine, occurredAt, repId?, ref?",
  customers: "name, kind, status?, ownerId?, …",
};

/** CSV import: all rows or none; a refused file lists every bad row by line number. */
export function ImportPage() {
  const [kind, setKind] = createSignal<Kind>("revenue");
  const [text, setText] = createSignal("");
  const [fileName, setFileName] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [result, setResult] = createSignal<{ rows: number; total?: number } | null>(null);

  async function pick(e: Event) {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!f) return;
    setFileName(f.name);
    setText(await f.text());
  }
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await uploadCsv<{ rows: number; total?: number }>(`/${kind()}/import`, text()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const rowErrors = () => {
    const e = error();
    return e instanceof ApiError ? Object.entries(e.fields) : [];
  };

  return (
    <div class="page">
      <header class="page-head">
        <div>
          <h1>{t("import.title")}</h1>
          <p class="muted">{t("import.help")}</p>
        </div>
      </header>
      <form class="card form" onSubmit={submit}>
        <fieldset class="seg">
          <legend class="sr-only">{t("import.what")}</legend>
          <For each={["revenue", "customers"] as Kind[]}>
            {(k) => (
              <button type="button" aria-pressed={kind() === k} classList={{ active: kind() === k }} onClick={() => setKind(k)}>
                {t(`import.${k}`)}
              </button>
            )}
          </For>
        </fieldset>
        <p class="muted small">
          {t("import.columns")}: <code>{columns[kind()]}</code>
        </p>
        <label class="field">
          <span>{t("import.file")}</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => void pick(e)} />
        </label>
        <label class="field">
          <span>{t("import.paste")}</span>
          <textarea rows={8} class="mono" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn primary" disabled={busy() || !text().trim()}>
          <Icon name="upload" size={16} /> {busy() ? t("state.loading") : t("import.submit")}
        </button>
      </form>
      <Show when={result()}>
        {(r) => (
          <div class="banner ok" role="status">
            <Icon name="signed" size={18} />
            {t("import.done", { n: r().rows, file: fileName() })}
            {r().total !== undefined ? ` · ${money(r().total)}` : ""}
          </div>
        )}
      </Show>
      <Show when={error()}>
        <div class="card">
          <FormError error={error()} shown={rowErrors().map(([k]) => k)} />
          <Show when={rowErrors().length > 0}>
            <p class="form-error" role="alert">
              {(error() as ApiError).message} {t("import.nothingStored")}
            </p>
            <table class="table compact">
              <TableHead columns={[t("import.where"), t("import.problem")]} />
              <tbody>
                <For each={rowErrors()}>
                  {([where, msg]) => (
                    <tr>
                      <td class="nowrap">{where}</td>
                      <td>{msg}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </div>
      </Show>
    </div>
  );
}
