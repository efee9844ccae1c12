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

const plurals: Partial<Record<Lang, Intl.PluralRules>> = {};

/**
 * A message with plural forms is written "one form|other form" (English); the form
 * is chosen by Intl.PluralRules for `vars.n`. A message without "|" has one form.
 */
function pluralForm(text: string, l: Lang, n: unknown): string {
  if (!text.includes("|")) return text;
  const forms = text.split("|");
  if (typeof n !== "number") return forms.at(-1) ?? text;
  plurals[l] ??= new Intl.PluralRules(l);
  return plurals[l].select(n) === "one" ? (forms[0] ?? text) : (forms.at(-1) ?? text);
}

/** A message in the current language; `{name}` placeholders are filled from `vars`. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  const l = lang();
  const text = pluralForm(dictionaries[l][key] ?? en[key] ?? key, l, vars?.n);
  return vars ? text.replace(/\{(\w+)\}/g, (_: string, k: string) => String(vars[k] ?? `{${k}}`)) : text;
}
