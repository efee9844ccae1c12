import { createSignal } from "solid-js";
import { en } from "./en.ts";
import { zhCN } from "./zh-CN.ts";

export type Lang = "zh-CN" | "en";
export type MessageKey = keyof typeof en;

const STORAGE_KEY = "clubhouse.lang";
const dictionaries: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

/** Chinese first for Chinese browsers (DESIGN.md), English otherwise; a choice made in the app wins and is remembered. */
function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "zh-CN" || saved === "en") return saved;
  } catch {}
  const langs = typeof navigator === "undefined" ? [] : [...(navigator.languages ?? []), navigator.language];
  return langs.some((l) => l?.toLowerCase().startsWith("zh")) ? "zh-CN" : "en";
}

const [lang, setLangSignal] = createSignal<Lang>(initialLang());

export { lang };

function apply(l: Lang) {
  if (typeof document !== "undefined") document.documentElement.lang = l;
}
apply(lang());

export function setLang(l: Lang) {
  setLangSignal(l);
  apply(l);
  try {
    localStorage.setItem(STORAGE_KEY, l);
  } catch {}
}

/** A message in the current language; `{name}` placeholders are filled from `vars`. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang()][key] ?? en[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_: string, k: string) => String(vars[k] ?? `{${k}}`)) : text;
}
