import { clubSettings, tenants, users, withoutTenant, withTenant } from "@clubhouse/db";
import { and, eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { Deps } from "../deps.ts";
import { Conflict, isUniqueViolation, RateLimited, Unauthorized } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { DEFAULT_CLUB_SETTINGS, DEFAULT_CLUB_TIMEZONE } from "../regulation/defaults.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { createSession, type SessionTenant, type SessionUser } from "./session.ts";
import {
  ACCOUNT_LIMIT,
  ADDRESS_LIMIT,
  countEvent,
  DEVICE_LIMIT,
  deviceKey,
  deviceValid,
  newDeviceToken,
  plausibleDeviceToken,
  readKeys,
  recordFailure,
  SIGNUP_WINDOW_MS,
  signupKey,
  throttleKeys,
  trustDevice,
  waitOf,
} from "./throttle.ts";

export interface NewClub {
  club: { name: string; slug: string; timezone?: string | undefined };
  admin: { email: string; password: string; name: string };
}

/** A club, its settings and its first admin, in one transaction; 409 on a taken slug. */
export async function createClub(deps: Deps, input: NewClub) {
  const tenantId = crypto.randomUUID();
  const passwordHash = await hashPassword(input.admin.password);
  const now = deps.clock.now();
  try {
    return await withTenant(deps.database, tenantId, async (tx) => {
      const [tenant] = await tx
        .insert(tenants)
        .values({
          id: tenantId,
          slug: input.club.slug,
          name: input.club.name,
          timezone: input.club.timezone ?? DEFAULT_CLUB_TIMEZONE,
          createdAt: now,
        })
        .returning();
      await tx.insert(clubSettings).values({ tenantId, ...DEFAULT_CLUB_SETTINGS });
      const [user] = await tx
        .insert(users)
        .values({ tenantId, email: input.admin.email, name: input.admin.name, role: "admin", passwordHash, createdAt: now })
        .returning();
      if (!tenant || !user) throw new Error("insert returned nothing");
      const token = await createSession(tx, tenantId, user.id, now);
      await audit(tx, tenantId, { kind: "user", id: user.id, role: "admin" }, "club.created", "tenant", tenantId, { slug: tenant.slug });
      return {
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
        user: { id: user.id, email: user.email, name: user.name, role: user.role },
        token,
      };
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new Conflict("That club address is taken.", { "club.slug": fieldIssue("taken", "is taken") });
    }
    throw err;
  }
}

/**
 * Sign-ups per client address: SIGNUP_PER_HOUR in a fixed hour-long window, counted
 * atomically so a parallel burst cannot slip past; over the limit is a 429 with
 * Retry-After (the end of the window). Runs before the password is hashed.
 */
export async function countSignup(deps: Deps, address: string) {
  const limit = deps.config.SIGNUP_PER_HOUR;
  if (limit === 0) return;
  const now = deps.clock.now();
  const { count, windowStart } = await countEvent(deps.database, signupKey(address), SIGNUP_WINDOW_MS, now);
  if (count > limit) throw new RateLimited((windowStart.getTime() + SIGNUP_WINDOW_MS - now.getTime()) / 1000);
}

export interface LoginResult {
  user: SessionUser;
  tenant: SessionTenant;
  token: string;
  /** The device token to hand back to the client (a cookie): the one it presented when valid, else a new one. */
  device: string;
}

/**
 * One 401 for every failure (unknown club, unknown email, wrong password, disabled).
 *
 * `device` is the device token the client presented (cookie or header). When it was
 * issued to this very account, failures count against that device only, so nobody
 * else's failures can keep this device out; otherwise they count against the
 * account's budget for untrusted clients. Every failure also counts against the
 * client's address.
 */
export async function login(
  deps: Deps,
  input: { club: string; email: string; password: string },
  address: string,
  device?: string,
): Promise<LoginResult> {
  const now = deps.clock.now();
  const keys = throttleKeys(input.club, input.email, address);
  const devKey = plausibleDeviceToken(device) ? deviceKey(input.club, input.email, device) : undefined;
  const rows = await readKeys(deps.database, devKey ? [keys.account, keys.address, devKey] : [keys.account, keys.address]);
  const trusted =
    devKey !== undefined &&
    deviceValid(
      rows.find((r) => r.key === devKey),
      now,
    );
  const budget = trusted ? devKey : keys.account;
  const wait = waitOf(
    rows.filter((r) => r.key === budget || r.key === keys.address),
    now,
  );
  if (wait > 0) throw new RateLimited(wait);

  const tenant = await withoutTenant(
    deps.database,
    async (tx) => (await tx.select().from(tenants).where(eq(tenants.slug, input.club)))[0],
    {
      slug: input.club,
    },
  );
  const user = tenant
    ? await withTenant(
        deps.database,
        tenant.id,
        async (tx) =>
          (
            await tx
              .select()
              .from(users)
              .where(and(eq(users.tenantId, tenant.id), sql`lower(${users.email}) = ${input.email}`))
          )[0],
      )
    : undefined;
  const ok = await verifyPassword(user?.passwordHash, input.password);
  if (!tenant || !user || !ok || user.disabledAt) {
    await recordFailure(deps.database, budget, trusted ? DEVICE_LIMIT : ACCOUNT_LIMIT, now);
    await recordFailure(deps.database, keys.address, ADDRESS_LIMIT, now);
    throw new Unauthorized("The club, email or password is wrong.");
  }
  // The untrusted-clients counter is left alone: a success must not hand a guesser a
  // fresh budget. This device is trusted from now on, with a clean budget of its own.
  const deviceToken = trusted && device ? device : newDeviceToken();
  await trustDevice(deps.database, deviceKey(input.club, input.email, deviceToken), now);
  const token = await withTenant(deps.database, tenant.id, async (tx) => {
    const t = await createSession(tx, tenant.id, user.id, now);
    await audit(tx, tenant.id, { kind: "user", id: user.id, role: user.role }, "session.created", "user", user.id);
    return t;
  });
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timezone: tenant.timezone },
    token,
    device: deviceToken,
  };
}
