import type { JSONValue } from "hono/utils/types";
import { z } from "zod";
import type { ErrorCode } from "../errors.ts";
import { FIELD_CODES } from "./field-codes.ts";

/**
 * What a route answers, per status, in the OpenAPI document (server/src/openapi.ts):
 * a zod schema for a JSON answer, or one of the kinds of answer that are not JSON.
 * Each area keeps its answers next to its routes (`<area>/responses.ts`); the
 * compiler checks every route's JSON answer against its schema (openapi.ts).
 */
export const csvAnswer = { kind: "csv" } as const;
export const htmlAnswer = { kind: "html" } as const;
export const noContent = { kind: "none" } as const;
export type Answer = z.ZodType | typeof csvAnswer | typeof htmlAnswer | typeof noContent;
export type Method = "$get" | "$post" | "$put" | "$patch" | "$delete";
export type Answers = Record<string, Partial<Record<Method, Record<number, Answer>>>>;

/**
 * Any JSON value: what a stored change or an alarm's data may hold. Typed as hono's
 * JSON value, which the answers' types are made of (it admits more than JSON can carry).
 */
export const jsonValue = z.json().meta({ id: "JsonValue" }) as unknown as z.ZodType<JSONValue>;

const ERROR_CODES = [
  "validation_failed",
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rule_violation",
  "rate_limited",
  "unavailable",
  "internal",
] as const satisfies readonly ErrorCode[];
/** Every code errors.ts may send is listed above. */
const allCodesListed: [Exclude<ErrorCode, (typeof ERROR_CODES)[number]>] extends [never] ? true : false = true;
void allCodesListed;

/** Every error answer (http/errors.ts `errorBody`): a code, an English line, and the refused fields with their codes. */
export const errorEnvelope = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    fieldCodes: z.record(z.string(), z.looseObject({ code: z.enum(FIELD_CODES) })).optional(),
    requestId: z.string().optional(),
  }),
});
