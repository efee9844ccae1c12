import type { FieldCoded, FieldIssue } from "./http/field-codes.ts";

/**
 * Domain errors (docs/layers.md): services raise these, each with a code, a message
 * and, for refused fields, the fields. They know nothing of HTTP: the edge
 * (http/errors.ts) gives each code its status and writes the JSON error shape.
 */
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

/** The base of every domain error; one onError (http/errors.ts) turns them into the JSON error shape. */
export class DomainError extends Error {
  readonly fields?: Fields;
  readonly fieldCodes?: FieldCodes;
  constructor(
    readonly code: ErrorCode,
    message: string,
    fields?: FieldsIn,
    /** Seconds after which a retry may succeed (rate limits, a flooded server). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    const split = splitFields(fields);
    this.fields = split.fields;
    this.fieldCodes = split.fieldCodes;
  }
}
/** Input that breaks the contract's shape or a field's rule: the offending fields. */
export class ValidationError extends DomainError {
  constructor(fields: FieldsIn, message = "The request has invalid fields.") {
    super("validation_failed", message, fields);
  }
}
/** A request the server cannot read at all (not JSON, a value it cannot store). */
export class BadRequest extends DomainError {
  constructor(message = "Bad request.") {
    super("bad_request", message);
  }
}
export class Unauthorized extends DomainError {
  constructor(message = "Sign in to continue.") {
    super("unauthorized", message);
  }
}
export class Forbidden extends DomainError {
  constructor(message = "You may not do this.") {
    super("forbidden", message);
  }
}
/** Rows of another club, or of another rep, are absent so that existence does not leak. */
export class NotFound extends DomainError {
  constructor(what = "resource") {
    super("not_found", `No such ${what}.`);
  }
}
export class Conflict extends DomainError {
  constructor(message: string, fields?: FieldsIn) {
    super("conflict", message, fields);
  }
}
export class PayloadTooLarge extends DomainError {
  constructor(message: string) {
    super("payload_too_large", message);
  }
}
export class UnsupportedMediaType extends DomainError {
  constructor(message: string) {
    super("unsupported_media_type", message);
  }
}
/** A well-formed request that a rule of the club refuses. */
export class RuleViolation extends DomainError {
  constructor(message: string, fields?: FieldsIn) {
    super("rule_violation", message, fields);
  }
}
export class RateLimited extends DomainError {
  constructor(retryAfterSeconds: number) {
    super("rate_limited", "Too many attempts. Try again later.", undefined, Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}
/** A passing outage (the database, a flooded server): retry. */
export class Unavailable extends DomainError {
  constructor(message: string, retryAfterSeconds?: number) {
    super("unavailable", message, undefined, retryAfterSeconds);
  }
}
/** A bug: logged, and answered without details. */
export class Internal extends DomainError {
  constructor() {
    super("internal", "Something went wrong on our side; it has been logged.");
  }
}

/** The PostgreSQL error code of an error, whether drizzle wrapped it (in `cause`) or not. */
export function pgCode(err: unknown): string | undefined {
  const e = (err as { cause?: unknown }).cause ?? err;
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** A unique constraint refused the write: services turn it into a Conflict naming the field. */
export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === "23505";
}

/** PostgreSQL errors that are the client's doing or a passing outage, not a bug. */
export function fromDatabase(err: unknown): DomainError | undefined {
  const code = pgCode(err);
  if (code === undefined) return undefined;
  if (code === "23505") return new Conflict("That already exists.");
  if (code === "23503") return new DomainError("validation_failed", "The request refers to something that does not exist.");
  if (code === "23514") return new RuleViolation("This record is locked and cannot be changed.");
  // Data exceptions (class 22: NUL bytes, bad encodings, out-of-range values) come from input.
  if (code.startsWith("22")) return new BadRequest("The request holds a value the server cannot store (for example a NUL character).");
  if (code === "40001" || code === "40P01") return new Unavailable("Busy, please retry.");
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
    return new Unavailable("The database is unavailable, please retry.");
  return undefined;
}
