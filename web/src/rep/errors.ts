import { ApiError, NetworkError } from "../api.ts";
import { type FieldCoded, fieldLabel, fieldSentence } from "../i18n/fields.ts";
import { lang, type MessageKey, t } from "../i18n/index.ts";

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
 * message); each refused field named and explained from its code and parameters
 * (`fieldCodes`), or at least named where only its path is known.
 */
export function errorText(code: string, fields: Record<string, string> = {}, fieldCodes: Record<string, FieldCoded> = {}): string {
  const known = (codes as readonly string[]).includes(code) ? code : "internal";
  const base = t(`errorCode.${known}` as MessageKey);
  const paths = [...new Set([...Object.keys(fieldCodes), ...Object.keys(fields)])];
  if (!paths.length) return base;
  const coded = paths.filter((p) => fieldCodes[p]);
  if (coded.length === paths.length) return `${base} ${coded.map((p) => fieldSentence(p, fieldCodes[p])).join(sentenceSep())}`;
  const names = paths.map((f) => fieldName(f));
  return `${base} ${t("errorCode.fields", { fields: names.join(lang_sep()) })}`;
}
const sentenceSep = () => (lang() === "zh-CN" ? "；" : "; ");

const fieldKeys: Record<string, MessageKey> = {
  name: "prospect.name",
  kind: "prospect.kind",
  "profile.phone": "prospect.phone",
  "transaction.needs": "prospect.note",
  price: "repField.price",
  cardTypeId: "repField.cardTypeId",
  amount: "repField.amount",
  businessLine: "repField.businessLine",
  occurredAt: "repField.occurredAt",
  summary: "repField.summary",
  reason: "repField.reason",
  day: "repField.day",
};
function fieldName(f: string): string {
  const k = fieldKeys[f];
  return k ? t(k) : fieldLabel(f);
}
const lang_sep = () => t("list.separator");

/** What went wrong, in the reader's language: no network, or the server's code. */
export function describe(err: unknown): string {
  if (err instanceof NetworkError) return t("error.network");
  if (err instanceof ApiError) return errorText(err.code, err.fields, err.fieldCodes);
  return t("error.generic");
}
