import { createMemo, createSignal, For, Show } from "solid-js";
import { ApiError, uploadCsv } from "../api.ts";
import { money } from "../format.ts";
import { fieldLabel, fieldProblem } from "../i18n/fields.ts";
import { lang, type MessageKey, t } from "../i18n/index.ts";
import { FormError, TableHead } from "../ui/common.tsx";
import { Icon } from "../ui/icons.tsx";
import { IMPORT_COLUMNS, type ImportColumn, type ImportKind } from "./import-columns.ts";

const PAGE = 100;

/** "line 12.amount" → 12, so the problems read in file order (a file-wide problem first). */
const lineOf = (path: string) => Number(/^line (\d+)/.exec(path)?.[1] ?? 0);

/**
 * CSV import: all rows or none. The file goes to the server as its bytes (the server
 * detects UTF-8 or GB18030); a refused file lists every problem, worded in the reader's
 * language from its code, a page at a time.
 */
export function ImportPage() {
  const [kind, setKind] = createSignal<ImportKind>("revenue");
  const [file, setFile] = createSignal<File | null>(null);
  const [text, setText] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [page, setPage] = createSignal(0);
  const [focused, setFocused] = createSignal(false);
  const [result, setResult] = createSignal<{ rows: number; total?: number; from: string } | null>(null);
  let input: HTMLInputElement | undefined;

  function pick(e: Event) {
    const f = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setFile(f);
    if (f) setText("");
  }
  function paste(value: string) {
    setText(value);
    if (value && file()) {
      setFile(null);
      if (input) input.value = "";
    }
  }
  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const f = file();
    const body = f ?? new Blob([text()], { type: "text/csv" });
    setBusy(true);
    setError(null);
    setResult(null);
    setPage(0);
    try {
      const out = await uploadCsv<{ rows: number; total?: number }>(`/${kind()}/import`, body);
      setResult({ ...out, from: f ? f.name : t("import.pasted") });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  /** Every refused row and column, in file order. */
  const problems = createMemo(() => {
    const e = error();
    if (!(e instanceof ApiError)) return [];
    const paths = [...new Set([...Object.keys(e.fieldCodes), ...Object.keys(e.fields)])];
    if (!paths.some((p) => p.startsWith("line ") || p.startsWith("column "))) return [];
    const order = IMPORT_COLUMNS[kind()].map((c) => c.name);
    const columnOf = (path: string) => order.indexOf(path.split(".").at(-1) ?? "");
    return paths
      .sort((a, b) => lineOf(a) - lineOf(b) || columnOf(a) - columnOf(b))
      .map((path) => ({ path, where: fieldLabel(path), what: fieldProblem(e.fieldCodes[path]) }));
  });
  const pages = () => Math.max(1, Math.ceil(problems().length / PAGE));
  const shown = () => problems().slice(page() * PAGE, (page() + 1) * PAGE);

  const header = (c: ImportColumn) => (lang() === "zh-CN" ? c.zh[0]! : c.name);
  const also = (c: ImportColumn) => (lang() === "zh-CN" ? [...c.zh.slice(1), c.name] : c.zh).join(lang() === "zh-CN" ? "、" : ", ");
  const content = (c: ImportColumn) => {
    const key = `import.col.${kind()}.${c.name}` as MessageKey;
    const text = t(key);
    return text === key ? t("import.col.text") : text;
  };
  const template = (l: "zh-CN" | "en") => `/api/v1/${kind()}/import/template.csv?lang=${l}`;

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
          <For each={["revenue", "customers"] as ImportKind[]}>
            {(k) => (
              <button
                type="button"
                aria-pressed={kind() === k}
                classList={{ active: kind() === k }}
                onClick={() => {
                  setKind(k);
                  setError(null);
                  setResult(null);
                }}
              >
                {t(`import.${k}`)}
              </button>
            )}
          </For>
        </fieldset>
        <p class="muted small">{t("import.encoding")}</p>
        <p class="small">
          {t("import.templates")}
          {lang() === "zh-CN" ? "" : " "}
          <a href={template("zh-CN")} download="">
            {t("import.templateZh")}
          </a>
          {" · "}
          <a href={template("en")} download="">
            {t("import.templateEn")}
          </a>
        </p>
        <details>
          <summary>{t("import.columns")}</summary>
          <table class="table compact">
            <TableHead columns={[t("import.column"), t("import.alsoAccepted"), t("import.content")]} />
            <tbody>
              <For each={IMPORT_COLUMNS[kind()]}>
                {(c) => (
                  <tr>
                    <td class="nowrap">
                      <code>{header(c)}</code>
                      {c.required ? ` (${t("import.required")})` : ""}
                    </td>
                    <td>{also(c)}</td>
                    <td>{content(c)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </details>
        <div class="field">
          <span id="import-file-label">{t("import.file")}</span>
          {/* the browser's own file button would speak the browser's language: ours speaks the reader's */}
          <label class="row gap">
            <input
              ref={input}
              class="sr-only"
              type="file"
              accept=".csv,text/csv"
              aria-labelledby="import-file-label"
              onChange={pick}
              onFocus={() => setFocused(true)}
              onBlur={() => setFocused(false)}
            />
            <span
              class="btn secondary"
              aria-hidden="true"
              style={focused() ? { outline: "3px solid var(--focus)", "outline-offset": "2px" } : {}}
            >
              {t("import.choose")}
            </span>
            <span class="muted" data-testid="import-file-name">
              {file()?.name ?? t("import.noFile")}
            </span>
          </label>
        </div>
        <label class="field">
          <span>{t("import.paste")}</span>
          <textarea rows={6} class="mono" value={text()} onInput={(e) => paste(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn primary" disabled={busy() || (!file() && !text().trim())}>
          <Icon name="upload" size={16} /> {busy() ? t("state.loading") : t("import.submit")}
        </button>
      </form>
      <Show when={result()}>
        {(r) => (
          <div class="banner ok" role="status">
            <Icon name="signed" size={18} />
            <span>
              <strong>{t("import.done", { file: r().from })}</strong> {t("import.doneRows", { n: r().rows })}
              {r().total !== undefined ? ` · ${t("import.doneTotal", { total: money(r().total) })}` : ""}
            </span>
          </div>
        )}
      </Show>
      <Show when={error()}>
        <div class="card import-errors">
          <Show when={problems().length > 0} fallback={<FormError error={error()} />}>
            <p class="form-error" role="alert">
              {t("import.problems", { n: problems().length })}
              {lang() === "zh-CN" ? "" : " "}
              {t("import.nothingStored")}
            </p>
            <table class="table compact" aria-label={t("import.problem")}>
              <TableHead columns={[t("import.where"), t("import.problem")]} />
              <tbody>
                <For each={shown()}>
                  {(p) => (
                    <tr data-path={p.path}>
                      <td class="nowrap">{p.where}</td>
                      <td>{p.what}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={pages() > 1}>
              <nav class="row gap" aria-label={t("import.page", { page: page() + 1, pages: pages() })}>
                <button type="button" class="btn" disabled={page() === 0} onClick={() => setPage(page() - 1)}>
                  {t("import.prev")}
                </button>
                <span aria-live="polite">{t("import.page", { page: page() + 1, pages: pages() })}</span>
                <button type="button" class="btn" disabled={page() >= pages() - 1} onClick={() => setPage(page() + 1)}>
                  {t("import.next")}
                </button>
              </nav>
            </Show>
          </Show>
        </div>
      </Show>
    </div>
  );
}
