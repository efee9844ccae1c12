import { z } from "zod";
import { ValidationError } from "./errors.ts";

/** Every list pages: `limit` (1–200, default 50) and an opaque `cursor` from the previous page. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === "string" || typeof p === "number")) {
      return parts;
    }
  } catch {}
  throw new ValidationError({ cursor: "is not a cursor this server gave out" });
}

/** Fetch limit + 1 rows; the extra one only says whether there is a next page. */
export function page<T>(rows: T[], limit: number, key: (row: T) => (string | number)[]) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}
