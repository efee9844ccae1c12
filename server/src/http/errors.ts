import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { FieldCoded, FieldIssue } from "./field-codes.ts";

export type ErrorCode =
  | "validation_failed"
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rule_violation"
  | "rate_limited"
  | "unavailable"
  | "internal";

/** Refused fields by path: an English line each (`fields`), and each one's code and parameters (`fieldCodes`). */
export type Fields = Record<string, string>;
export type FieldCodes = Record<string, FieldCoded>;
/** What domain code raises per field: a FieldIssue (code, parameters, English line); a bare line is code `invalid`. */
export type FieldsIn = Record<string, FieldIssue | string>;

function splitFields(input: FieldsIn | undefined): { fields?: Fields; fieldCodes?: FieldCodes } {
  if (!input) return {};
  const fields: Fields = {};
  const fieldCodes: FieldCodes = {};
  for (const [path, v] of Object.entries(input)) {
    if (typeof v === "string") {
      fields[path] = v;
      fieldCodes[path] = { code: "invalid" };
    } else {
      fields[path] = v.message;
      fieldCodes[path] = { ...v.params, code: v.code } as FieldCoded;
    }
  }
  return { fields, fieldCodes };
}

/** Domain code throws these; one onError turns them into the JSON error shape. */
export class AppError extends Error {
  readonly fields?: Fields;
  readonly fieldCodes?: FieldCodes;
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    fields?: FieldsIn,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    const split = splitFields(fields);
    this.fields = split.fields;
    this.fieldCodes = split.fieldCodes;
  }
}
export class ValidationError extends AppError {
  constructor(fields: FieldsIn, message = "The request has invalid fields.") {
    super(400, "validation_failed", message, fields);
  }
}
export class Unauthorized extends AppError {
  constructor(message = "Sign in to continue.") {
    super(401, "unauthorized", message);
  }
}
export class Forbidden extends AppError {
  constructor(message = "You may not do this.") {
    super(403, "forbidden", message);
  }
}
/** Rows of another club, or of another rep, answer 404 so that existence does not leak. */
export class NotFound extends AppError {
  constructor(what = "resource") {
    super(404, "not_found", `No such ${what}.`);
  }
}
export class Conflict extends AppError {
  constructor(message: string, fields?: FieldsIn) {
    super(409, "conflict", message, fields);
  }
}
export class RuleViolation extends AppError {
  constructor(message: string, fields?: FieldsIn) {
    super(422, "rule_violation", message, fields);
  }
}
export class RateLimited extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, "rate_limited", "Too many attempts. Try again later.", undefined, {
      "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

export function errorBody(code: ErrorCode, message: string, fields?: Fields, requestId?: string, fieldCodes?: FieldCodes) {
  return {
    error: { code, message, ...(fields ? { fields } : {}), ...(fieldCodes ? { fieldCodes } : {}), ...(requestId ? { requestId } : {}) },
  };
}

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

/** The PostgreSQL error code of an error, whether drizzle wrapped it (in `cause`) or not. */
function pgCode(err: unknown): string | undefined {
  const e = (err as { cause?: unknown }).cause ?? err;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** A unique constraint refused the write: services turn it into a 409 naming the field. */
export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === "23505";
}

/** PostgreSQL errors that are the client's doing or a passing outage, not a bug. */
function fromDatabase(err: unknown): AppError | undefined {
  const code = pgCode(err);
  if (code === undefined) return undefined;
  if (code === "23505") return new Conflict("That already exists.");
  if (code === "23503") return new AppError(400, "validation_failed", "The request refers to something that does not exist.");
  if (code === "23514") return new RuleViolation("This record is locked and cannot be changed.");
  // Data exceptions (class 22: NUL bytes, bad encodings, out-of-range values) come from input.
  if (code.startsWith("22"))
    return new AppError(400, "bad_request", "The request holds a value the server cannot store (for example a NUL character).");
  if (code === "40001" || code === "40P01") return new AppError(503, "unavailable", "Busy, please retry.");
  if (
    code === "57P01" ||
    code === "57P03" ||
    code === "08006" ||
    code === "08001" ||
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "CONNECTION_CLOSED" ||
    code === "CONNECTION_ENDED" ||
    code === "CONNECT_TIMEOUT"
  )
    return new AppError(503, "unavailable", "The database is unavailable, please retry.");
  return undefined;
}

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const message = status === 400 && /json/i.test(err.message) ? "The body is not valid JSON." : err.message || "Bad request.";
    return new AppError(status, httpCodes[status] ?? "bad_request", message);
  }
  const db = fromDatabase(err);
  if (db) return db;
  return new AppError(500, "internal", "Something went wrong on our side; it has been logged.");
}

export function respondError(c: Context, err: AppError) {
  const res = c.json(errorBody(err.code, err.message, err.fields, c.get("requestId"), err.fieldCodes), err.status);
  for (const [k, v] of Object.entries(err.headers ?? {})) res.headers.set(k, v);
  return res;
}
