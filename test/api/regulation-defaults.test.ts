import { rowsOf } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CLUB_SETTINGS, DEFAULT_CLUB_TIMEZONE } from "../../server/src/regulation/defaults.ts";
import { freshDatabase, type TestDatabase } from "../support/harness.ts";

/**
 * The settings' defaults live once, in the regulation (server/src/regulation/defaults.ts);
 * the migrations' column defaults must say the same. Read back from the migrated
 * database's catalog, on PGlite and on PostgreSQL.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t?.drop());

async function columnDefaults(table: string): Promise<Map<string, string | null>> {
  const rows = rowsOf<{ column_name: string; column_default: string | null }>(
    await t.database.db.execute(
      sql`select column_name, column_default from information_schema.columns where table_schema = 'public' and table_name = ${table}`,
    ),
  );
  return new Map(rows.map((r) => [r.column_name, r.column_default]));
}

/** A column default as a value: `12`, `'Asia/Shanghai'::text`, `'["a","b"]'::jsonb`. */
function defaultValue(expr: string | null | undefined): unknown {
  if (expr === null || expr === undefined) return undefined;
  const quoted = /^'((?:[^']|'')*)'::(\w+)$/.exec(expr);
  if (quoted) {
    const text = quoted[1]!.replaceAll("''", "'");
    return quoted[2] === "jsonb" || quoted[2] === "json" ? JSON.parse(text) : text;
  }
  return /^-?\d+$/.test(expr) ? Number(expr) : expr;
}

const COLUMNS: Record<keyof typeof DEFAULT_CLUB_SETTINGS, string> = {
  tierAFen: "tier_a_fen",
  tierBFen: "tier_b_fen",
  cadenceA: "cadence_a",
  cadenceB: "cadence_b",
  cadenceC: "cadence_c",
  alarmGraceDays: "alarm_grace_days",
  businessLines: "business_lines",
  visitRadiusM: "visit_radius_m",
  positionRetentionDays: "position_retention_days",
};

describe("the migrations' defaults are the regulation's", () => {
  it.each(Object.entries(COLUMNS))("club_settings: %s (%s)", async (key, column) => {
    const defaults = await columnDefaults("club_settings");
    expect(defaults.has(column), column).toBe(true);
    expect(defaultValue(defaults.get(column))).toEqual(DEFAULT_CLUB_SETTINGS[key as keyof typeof DEFAULT_CLUB_SETTINGS]);
  });

  it("tenants.timezone", async () => {
    expect(defaultValue((await columnDefaults("tenants")).get("timezone"))).toBe(DEFAULT_CLUB_TIMEZONE);
  });

  it("every setting with a default in the migrations has one in the regulation", async () => {
    const defaults = await columnDefaults("club_settings");
    const withDefault = [...defaults].filter(([c, d]) => d !== null && c !== "updated_at").map(([c]) => c);
    expect(withDefault.sort()).toEqual(Object.values(COLUMNS).sort());
  });
});
