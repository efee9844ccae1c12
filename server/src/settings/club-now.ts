import type { Tx } from "@clubhouse/db";
import type { ServiceContext } from "../deps.ts";
import { type ClubMonth, endedMonthOf, monthOf, quarterOf, quarterRange } from "../time/club-time.ts";
import { type ClubRules, readClubRules } from "./service.ts";

/**
 * The club's clock, read with its rules in the request's transaction: now, and the
 * club month, tier month and quarter it falls in (the club's time zone).
 */

export interface ClubNow {
  rules: ClubRules;
  now: Date;
  /** A customer's current tier is its tier for the last complete club month (docs/regulation.md, 第五条 三.3). */
  tierMonth: string;
  quarterStart: Date;
}

export async function clubNow(tx: Tx, ctx: ServiceContext): Promise<ClubNow> {
  const rules = await readClubRules(tx);
  const now = ctx.deps.clock.now();
  return {
    rules,
    now,
    tierMonth: endedMonthOf(now, rules.timezone),
    quarterStart: quarterRange(quarterOf(now, rules.timezone), rules.timezone).start,
  };
}

export interface ClubClock {
  tz: string;
  now: Date;
  /** the current club month */
  month: ClubMonth;
  graceDays: number;
}

export async function clubClock(tx: Tx, ctx: ServiceContext): Promise<ClubClock> {
  const rules = await readClubRules(tx);
  const now = ctx.deps.clock.now();
  return { tz: rules.timezone, now, month: monthOf(now, rules.timezone), graceDays: rules.alarmGraceDays };
}
