import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Every code a refused field can carry (docs/errors.md: each refused field also carries a
 * stable code and its parameters). Clients word these in their reader's language;
 * the web app's dictionaries are typed against this list, so a new code cannot ship
 * without its zh-CN and English wording.
 */
export const FIELD_CODES = [
  // Shapes, from the schemas at the routes.
  "required",
  "invalid_type",
  "too_short",
  "too_long",
  "too_small",
  "too_large",
  "too_few_items",
  "too_many_items",
  "invalid_format",
  "invalid_choice",
  "unknown_field",
  "nothing_to_change",
  "repeated",
  "invalid",
  // Money (docs/api.md).
  "too_many_decimals",
  "not_finite",
  "must_be_positive",
  "must_not_be_negative",
  // Dates and periods.
  "in_future",
  "in_past",
  "too_far_ahead",
  "too_early",
  "before_from",
  "one_or_other",
  "both_needed",
  "period_too_long",
  "closed_month",
  "month_not_ended",
  "year_not_started",
  "year_not_over",
  // Things of the club.
  "not_in_club",
  "not_own",
  "not_active_user",
  // Teams (docs/access.md).
  "not_a_lead",
  "not_a_rep",
  "leads_another_team",
  "not_in_team",
  "team_not_empty",
  "team_has_no_reps",
  "no_owner_at_time",
  "unknown_business_line",
  "taken",
  "dropped",
  "retired",
  "loop",
  "same_owner",
  "not_in_review",
  "status_change",
  "list_price",
  "card_money",
  "club_year_volume",
  "already_planned",
  "already_reversed",
  "already_voided",
  "submitted",
  "below_tier_a",
  // Public promotions (第五条 1.2).
  "promotion_not_approved",
  "promotion_not_own",
  "promotion_outside_window",
  "already_decided",
  "already_started",
  // Verified visits (docs/verified-visits.md).
  "in_person_only",
  "needs_position",
  "already_pinned",
  "not_in_person",
  "on_site",
  "voided",
  "already_accepted",
  "cursor",
  "key_reused",
  // Files.
  "file_charset",
  "file_utf16",
  "file_not_utf8",
  "file_empty",
  "file_too_many_rows",
  "column_missing",
  "column_unknown",
  "imported_already",
  // Names in CSV files (a customer or a user by name, unique within the club).
  "ambiguous_name",
  "unknown_name",
] as const;

export type FieldCode = (typeof FIELD_CODES)[number];
export type FieldParam = string | number | boolean | readonly (string | number)[];
/** A refused field as the API answers it in `fieldCodes`: its code and the code's parameters. */
export type FieldCoded = { code: FieldCode } & { [param: string]: FieldParam };
/** A refused field as domain code raises it: the code, its parameters and an English line for logs and old clients. */
export interface FieldIssue {
  readonly code: FieldCode;
  readonly message: string;
  readonly params?: Readonly<Record<string, FieldParam>>;
}

export function fieldIssue(code: FieldCode, message: string, params?: Record<string, FieldParam>): FieldIssue {
  return params ? { code, message, params } : { code, message };
}

/** A refinement's error with its field code (and parameters), for `.refine(fn, coded(...))`. */
export function coded(code: FieldCode, message: string, params?: Record<string, FieldParam>) {
  return { message, params: { ...params, code } };
}

const known = new Set<string>(FIELD_CODES);
export const isFieldCode = (s: unknown): s is FieldCode => typeof s === "string" && known.has(s);

type Issue = StandardSchemaV1.Issue & Record<string, unknown>;

/**
 * The code of a schema issue: zod's own issue kinds map onto ours with their limits
 * (`too_long` with `max`, `invalid_choice` with `values`, …); a refinement names its
 * code in `params.code` (and its parameters beside it).
 */
export function codeOfIssue(issue: StandardSchemaV1.Issue): { code: FieldCode; params?: Record<string, FieldParam> } {
  const i = issue as Issue;
  const origin = typeof i.origin === "string" ? i.origin : undefined;
  switch (i.code) {
    case "invalid_type":
      return /received undefined/.test(issue.message)
        ? { code: "required" }
        : { code: "invalid_type", params: { expected: String(i.expected) } };
    case "too_small": {
      const min = Number(i.minimum);
      if (origin === "string") return { code: "too_short", params: { min } };
      if (origin === "array" || origin === "set") return { code: "too_few_items", params: { min } };
      return { code: "too_small", params: { min, inclusive: i.inclusive !== false } };
    }
    case "too_big": {
      const max = Number(i.maximum);
      if (origin === "string") return { code: "too_long", params: { max } };
      if (origin === "array" || origin === "set") return { code: "too_many_items", params: { max } };
      return { code: "too_large", params: { max, inclusive: i.inclusive !== false } };
    }
    case "invalid_format":
      return { code: "invalid_format", params: { format: String(i.format ?? "text") } };
    case "invalid_value":
      return { code: "invalid_choice", params: { values: Array.isArray(i.values) ? i.values.map(String) : [] } };
    case "unrecognized_keys":
      return { code: "unknown_field", params: { keys: Array.isArray(i.keys) ? i.keys.map(String) : [] } };
    case "invalid_union":
      return { code: "invalid" };
    case "custom": {
      const p = (i.params ?? {}) as Record<string, FieldParam>;
      const { code, ...rest } = p;
      if (isFieldCode(code)) return Object.keys(rest).length ? { code, params: rest } : { code };
      return { code: "invalid" };
    }
    default:
      return { code: "invalid" };
  }
}
