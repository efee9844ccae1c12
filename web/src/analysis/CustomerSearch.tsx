import { createSignal, createUniqueId, For, onCleanup, Show } from "solid-js";
import { type CustomerPage, client, data } from "../api.ts";
import { t } from "../i18n/index.ts";

type Found = CustomerPage["items"][number];
export interface Picked {
  id: string;
  name: string;
}

/** How long typing pauses before the search goes out. */
const DEBOUNCE_MS = 250;
const SHOWN = 10;

/**
 * A type-ahead customer search (the ARIA combobox pattern: an input with a listbox
 * popup): asks GET /customers?q= as the manager types, so a club of 50,000 customers
 * is never a 50,000-option list. Arrow keys move through the matches, Enter picks,
 * Escape closes (and, closed, clears the text).
 */
export function CustomerSearch(props: { label: string; placeholder?: string; onPick: (c: Picked) => void; testId?: string }) {
  const id = createUniqueId();
  const listId = `${id}-list`;
  const [text, setText] = createSignal("");
  const [open, setOpen] = createSignal(false);
  const [items, setItems] = createSignal<Found[]>([]);
  const [total, setTotal] = createSignal(0);
  const [active, setActive] = createSignal(-1);
  const [state, setState] = createSignal<"idle" | "searching" | "done" | "error">("idle");
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  onCleanup(() => clearTimeout(timer));

  async function search(q: string) {
    const mine = ++seq;
    setState("searching");
    try {
      const page = await data(client.customers.$get({ query: { q, limit: String(SHOWN), sort: "name", dir: "asc" } }));
      if (mine !== seq) return; // a later keystroke's answer wins
      setItems(page.items);
      setTotal(page.total);
      setActive(page.items.length > 0 ? 0 : -1);
      setState("done");
    } catch {
      if (mine === seq) setState("error");
    }
  }

  function onInput(value: string) {
    setText(value);
    clearTimeout(timer);
    const q = value.trim();
    if (!q) {
      seq++;
      setItems([]);
      setOpen(false);
      setState("idle");
      return;
    }
    setOpen(true);
    timer = setTimeout(() => void search(q), DEBOUNCE_MS);
  }

  function pick(c: Found) {
    props.onPick({ id: c.id, name: c.name });
    setText(c.name);
    setOpen(false);
  }

  function onKeyDown(e: KeyboardEvent) {
    const n = items().length;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open() && text().trim()) setOpen(true);
      if (n) setActive((active() + 1) % n);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (n) setActive((active() - 1 + n) % n);
    } else if (e.key === "Enter") {
      const c = items()[active()];
      if (open() && c) {
        e.preventDefault();
        pick(c);
      }
    } else if (e.key === "Escape") {
      if (open()) setOpen(false);
      else onInput("");
    }
  }

  const optionId = (i: number) => `${id}-opt-${i}`;
  const status = () => {
    switch (state()) {
      case "searching":
        return t("search.searching");
      case "error":
        return t("search.failed");
      case "done":
        return items().length === 0 ? t("search.none") : t("search.found", { n: total(), shown: items().length });
      default:
        return "";
    }
  };

  return (
    <div class="customer-search">
      <label class="customer-search-label" for={`${id}-input`}>
        {props.label}
      </label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={open()}
        aria-controls={listId}
        aria-activedescendant={open() && active() >= 0 ? optionId(active()) : undefined}
        aria-describedby={`${id}-status`}
        placeholder={props.placeholder ?? t("search.placeholder")}
        value={text()}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
        onFocus={() => text().trim() && items().length > 0 && setOpen(true)}
        data-testid={props.testId}
      />
      <div id={listId} role="listbox" aria-label={props.label} class="customer-search-list" hidden={!open() || items().length === 0}>
        <For each={items()}>
          {(c, i) => (
            <div
              id={optionId(i())}
              role="option"
              // the input keeps focus (aria-activedescendant); an option is focusable only by script
              tabIndex={-1}
              aria-selected={i() === active()}
              classList={{ active: i() === active() }}
              // mousedown, not click: the input keeps focus and does not close the list first
              onMouseDown={(e) => {
                e.preventDefault();
                pick(c);
              }}
              onMouseMove={() => setActive(i())}
            >
              <span class="name">{c.name}</span>
              <Show when={c.tier}>
                <span class={`tier small tier-${c.tier}`}>{c.tier}</span>
              </Show>
            </div>
          )}
        </For>
      </div>
      <p id={`${id}-status`} class="muted small" role="status" aria-live="polite">
        {open() ? status() : ""}
      </p>
    </div>
  );
}
