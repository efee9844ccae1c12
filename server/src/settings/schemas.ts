import { z } from "zod";

/** A business line's name as the club's settings hold it (`card`, `spa`, `f_and_b`). */
export const BUSINESS_LINE = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * A business line named in a write: one of the club's lines (the service refuses any
 * other with `unknown_business_line`, 422). The pattern is the document's (OpenAPI).
 */
export const businessLineName = z
  .string()
  .min(1)
  .max(40)
  .meta({ pattern: BUSINESS_LINE.source, description: "One of the club's business lines (GET /settings)" });
