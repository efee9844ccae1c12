import { createEffect, createSignal, createUniqueId, For, on, onCleanup, Show } from "solid-js";
import { t } from "../i18n/index.ts";
import { describe } from "../rep/errors.ts";
import "./combobox.css";

/** One thing a combobox offers: its id, the words shown and an optional second line. */
export interface Choice {
  id: string;
  label: string;
  hint?: string;
}

const DEBOUNCE_MS = 200;

/**
 * A type-ahead: an input (role combobox) with a listbox of the server's matches for
 * what is typed, asked for after a short pause (the latest answer wins). Arrow keys
 * move through the matches, Enter chooses, Escape closes; the total the server counts
 * is said under the list when it holds more than is shown.
 */
export function Combobox(props: {
  label: string;
  hideLabel?: boolean;
  placeholder?: string;
  value: Choice | null;
  onChange: (choice: Choice | null) => void;
  /** the server's matches for `q` ("" for the first ones) and how many match in all */
  search: (q: string) => Promise<{ items: Choice[]; total: number }>;
  /** what the cleared value is called (e.g. "all"): when given, the value can be cleared */
  clearLabel?: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  testid?: string;
}) {
  const id = createUniqueId();
  const listId = `cb-list-${id}`;
  const inputId = `cb-input-${id}`;
  const [text, setText] = createSignal(props.value?.label ?? "");
  const [open, setOpen] = createSignal(false);
  const [items, setItems] = createSignal<Choice[]>([]);
  const [total, setTotal] = createSignal(0);
  const [active, setActive] = createSignal(-1);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  onCleanup(() => clearTimeout(timer));

  // the chosen value shows as the input's text (also when the parent changes it)
  createEffect(
    on(
      () => props.value,
      (v) => {
        if (!open()) setText(v?.label ?? "");
      },
    ),
  );

  function ask(q: string, now = false) {
    clearTimeout(timer);
    const run = async () => {
      const mine = ++asked;
      setLoading(true);
      setError(null);
      try {
        const out = await props.search(q.trim());
        if (mine !== asked) return;
        setItems(out.items);
        setTotal(out.total);
        setActive(out.items.length > 0 ? 0 : -1);
      } catch (err) {
        if (mine === asked) setError(err);
      } finally {
        if (mine === asked) setLoading(false);
      }
    };
    if (now) void run();
    else timer = setTimeout(() => void run(), DEBOUNCE_MS);
  }

  function show() {
    if (open()) return;
    setOpen(true);
    // what is typed when opening is the chosen value's name: look for everything then
    ask(text() === (props.value?.label ?? "") ? "" : text(), true);
  }
  function close(restore = true) {
    clearTimeout(timer);
    asked++;
    setOpen(false);
    setActive(-1);
    if (restore) setText(props.value?.label ?? "");
  }
  function choose(c: Choice | null) {
    props.onChange(c);
    setText(c?.label ?? "");
    close(false);
  }
  function key(e: KeyboardEvent) {
    const n = items().length;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (!open()) show();
        else if (n > 0) setActive((active() + 1) % n);
        break;
      case "ArrowUp":
        e.preventDefault();
        if (open() && n > 0) setActive((active() - 1 + n) % n);
        break;
      case "Enter":
        if (open()) {
          e.preventDefault();
          const c = items()[active()];
          if (c) choose(c);
        }
        break;
      case "Escape":
        if (open()) {
          e.preventDefault();
          e.stopPropagation();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  }
  const optionId = (i: number) => `cb-opt-${id}-${i}`;

  return (
    <div class="combobox" data-testid={props.testid}>
      <label for={inputId} classList={{ "sr-only": props.hideLabel === true, "combobox-label": true }}>
        {props.label}
      </label>
      <div class="combobox-box">
        <input
          id={inputId}
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={open()}
          aria-controls={listId}
          aria-activedescendant={open() && active() >= 0 ? optionId(active()) : undefined}
          aria-invalid={props.invalid === true}
          aria-describedby={props.describedBy}
          placeholder={props.placeholder ?? t("picker.type")}
          value={text()}
          onFocus={show}
          onClick={show}
          onInput={(e) => {
            setText(e.currentTarget.value);
            if (!open()) setOpen(true);
            ask(e.currentTarget.value);
          }}
          onKeyDown={key}
          onBlur={() => close()}
        />
        <Show when={props.clearLabel !== undefined && props.value !== null}>
          <button
            type="button"
            class="combobox-clear"
            aria-label={t("picker.clear", { what: props.label })}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(null)}
          >
            ×
          </button>
        </Show>
      </div>
      <div class="combobox-pop" hidden={!open()}>
        <div id={listId} role="listbox" aria-label={props.label} class="combobox-list">
          <For each={items()}>
            {(c, i) => (
              <div
                id={optionId(i())}
                role="option"
                tabIndex={-1}
                aria-selected={active() === i()}
                classList={{ active: active() === i(), chosen: props.value?.id === c.id }}
                data-id={c.id}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(c)}
                onMouseMove={() => setActive(i())}
                onKeyDown={(e) => {
                  if (e.key === "Enter") choose(c);
                }}
              >
                <span>{c.label}</span>
                <Show when={c.hint}>
                  <span class="muted small"> {c.hint}</span>
                </Show>
              </div>
            )}
          </For>
        </div>
        <Show when={open()}>
          <p class="combobox-status muted small" role="status">
            {error()
              ? describe(error())
              : loading() && items().length === 0
                ? t("picker.searching")
                : items().length === 0
                  ? t("picker.none")
                  : total() > items().length
                    ? t("picker.more", { shown: items().length, total: total() })
                    : t("picker.count", { n: total() })}
          </p>
        </Show>
      </div>
    </div>
  );
}
