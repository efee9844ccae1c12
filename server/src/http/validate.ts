import type { StandardSchemaV1 } from "@standard-schema/spec";
import { validator } from "hono-openapi";
import { z } from "zod";
import { type FieldsIn, ValidationError } from "../errors.ts";
import { codeOfIssue, fieldIssue } from "./field-codes.ts";

/** Each refused path's first issue, with its code and parameters (docs/errors.md). */
export function issuesToFields(issues: ReadonlyArray<StandardSchemaV1.Issue>, target?: string): FieldsIn {
  const fields: FieldsIn = {};
  for (const issue of issues) {
    const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
    const key = path || target || "body";
    if (fields[key]) continue;
    const { code, params } = codeOfIssue(issue);
    fields[key] = fieldIssue(code, issue.message, params);
  }
  return fields;
}

/** The validation hook every route uses: a bad body, query or param is a 400 naming its fields. */
export function invalid(result: { success: boolean; error?: ReadonlyArray<StandardSchemaV1.Issue> }, _c: unknown, target?: string): void {
  if (!result.success) throw new ValidationError(issuesToFields(result.error ?? [], target));
}

/** An instant as the API takes it (docs/api.md): ISO 8601 with an offset. */
export const instant = z.iso.datetime({ offset: true, error: "must be an ISO 8601 time with an offset, e.g. 2025-03-31T23:30:00+08:00" });

/**
 * Why something was undone or decided (a void, a reversal, an acceptance, a refusal, a
 * price approval): at least two characters, since "退卡", "重复" or "错录" is a whole reason
 * in Chinese, and at most 500.
 */
export const reasonText = z.string().trim().min(2, "say why, in a few words").max(500);

export const body = <S extends StandardSchemaV1>(schema: S) => validator("json", schema, (r, c) => invalid(r, c, "body"));
export const query = <S extends StandardSchemaV1>(schema: S) => validator("query", schema, (r, c) => invalid(r, c, "query"));
export const params = <S extends StandardSchemaV1>(schema: S) => validator("param", schema, (r, c) => invalid(r, c, "param"));
