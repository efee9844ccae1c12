import { ApiError, NetworkError } from "../api.ts";
import { type MessageKey, t } from "../i18n/index.ts";

const codes = [
  "validation_failed",
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "rule_violation",
  "rate_limited",
  "unavailable",
  "internal",
] as const;

/**
 * A server error in the reader's language, by its code (never the server's English
 * message); for a refused field, the field's name in the reader's language too.
 */
export function errorText(code: string, fields: Record<string, string> = {}): string {
  const known = (codes as readonly string[]).includes(code) ? code : "internal";
  const base = t(`errorCode.${known}` as MessageKey);
  const names = Object.keys(fields).map((f) => fieldName(f));
  return names.length ? `${base} ${t("errorCode.fields", { fields: names.join(lang_sep()) })}` : base;
}

const fieldKeys: Record<string, MessageKey> = {
  name: "prospect.name",
  kind: "prospect.kind",
  "profile.phone": "prospect.phone",
  "transaction.needs": "prospect.note",
};
function fieldName(f: string): string {
  const k = fieldKeys[f];
  return k ? t(k) : f;
}
const lang_sep = () => t("list.separator");

/** What went wrong, in the reader's language: no network, or the server's code. */
export function describe(err: unknown): string {
  if (err instanceof NetworkError) return t("error.network");
  if (err instanceof ApiError) return errorText(err.code, err.fields);
  return t("error.generic");
}
