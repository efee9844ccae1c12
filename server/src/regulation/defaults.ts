import { DEFAULT_TIMEZONE } from "../time/club-time.ts";
import { DEFAULT_CADENCE } from "./cadence.ts";
import { DEFAULT_ALARM_GRACE_DAYS } from "./pace.ts";
import { DEFAULT_BUSINESS_LINES, DEFAULT_TIER_THRESHOLDS } from "./tiers.ts";
import { DEFAULT_POSITION_RETENTION_DAYS, DEFAULT_VISIT_RADIUS_M } from "./visit-check.ts";

/**
 * A new club's settings, from the rules' own defaults, in storage units (fen) and
 * named as the club_settings columns: signup writes them, and
 * test/api/regulation-defaults.test.ts checks the migrated column defaults against
 * them so the two cannot drift.
 */
export const DEFAULT_CLUB_SETTINGS = {
  tierAFen: DEFAULT_TIER_THRESHOLDS.A,
  tierBFen: DEFAULT_TIER_THRESHOLDS.B,
  cadenceA: DEFAULT_CADENCE.A,
  cadenceB: DEFAULT_CADENCE.B,
  cadenceC: DEFAULT_CADENCE.C,
  alarmGraceDays: DEFAULT_ALARM_GRACE_DAYS,
  businessLines: [...DEFAULT_BUSINESS_LINES],
  visitRadiusM: DEFAULT_VISIT_RADIUS_M,
  positionRetentionDays: DEFAULT_POSITION_RETENTION_DAYS,
};

/** A new club's zone when signup names none. */
export const DEFAULT_CLUB_TIMEZONE = DEFAULT_TIMEZONE;
