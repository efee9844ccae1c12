import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type ErrorCode, type FieldCodes, type Fields, fromDatabase, Internal } from "../errors.ts";

/**
 * The edge of domain errors (server/src/errors.ts): each code's HTTP status, and the
 * one JSON error shape the client receives.
 */
export const STATUS_OF: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rule_violation: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const statusOf = (err: DomainError): ContentfulStatusCode => STATUS_OF[err.code];

export function errorBody(code: ErrorCode, message: string, fields?: Fields, requestId?: string, fieldCodes?: FieldCodes) {
  return {
    error: { code, message, ...(fields ? { fields } : {}), ...(fieldCodes ? { fieldCodes } : {}), ...(requestId ? { requestId } : {}) },
  };
}

/** hono's own refusals (a body that is not JSON, …) by their status. */
const httpCodes: Partial<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "rule_violation",
  429: "rate_limited",
  503: "unavailable",
};

/** Whatever was thrown, as a domain error: an unknown one is `internal` (a bug). */
export function toAppError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof HTTPException) {
    const message = err.status === 400 && /json/i.test(err.message) ? "The body is not valid JSON." : err.message || "Bad request.";
    return new DomainError(httpCodes[err.status] ?? "bad_request", message);
  }
  return fromDatabase(err) ?? new Internal();
}

export function respondError(c: Context, err: DomainError) {
  const res = c.json(errorBody(err.code, err.message, err.fields, c.get("requestId"), err.fieldCodes), statusOf(err));
  if (err.retryAfterSeconds !== undefined) res.headers.set("Retry-After", String(err.retryAfterSeconds));
  return res;
}
