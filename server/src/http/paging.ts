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

/**
 * A page of a list read with `limit + 1` rows (the extra one only says whether there
 * is a next page): the first `limit` rows, presented, and the cursor after the last
 * of them (`key` gives an item's place in the list's order).
 */
export function page<R, T>(rows: readonly R[], limit: number, present: (row: R) => T, key: (item: T) => (string | number)[]) {
  const items = rows.slice(0, limit).map(present);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(key(last)) : null };
}
