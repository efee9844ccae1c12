import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/forwarded.ts";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z.string().url().optional(),
  /** Where migrations run, when not DATABASE_URL: a direct URL when DATABASE_URL goes through a pooler. */
  DATABASE_MIGRATE_URL: z.string().url().optional(),
  /**
   * A hot standby of DATABASE_URL (streaming replication) for the heavy reads: boards,
   * analysis, exports. Unset: every read on DATABASE_URL. docs/replica.md.
   */
  DATABASE_READ_URL: z.string().url().optional(),
  /** How long a read waits for the standby to replay up to the primary's position before it runs on the primary (ms). */
  DATABASE_READ_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(100),
  DB_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default("clubhouse_app"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_PREPARE: z.enum(["on", "off"]).default("on"),
  REDIS_URL: z.string().url().optional(),
  /** Bearer token for GET /metrics; unset, /metrics answers 404. */
  METRICS_TOKEN: z.string().min(16).optional(),
  SIGNUP: z.enum(["open", "closed"]).default("open"),
  DEMO_CLUB: z.enum(["on", "off"]).default("on"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Check every live event's payload against the table of events (realtime/event-table.ts); a mismatch is logged and counted. Always on under test. */
  LIVE_CHECK_EVENTS: z.enum(["on", "off"]).default("off"),
  /**
   * Which proxies may tell us the client's address and protocol (X-Forwarded-For /
   * -Proto / -Host): `false`, a hop count (`true` = 1), or a comma list of proxy
   * addresses / CIDR ranges. See http/forwarded.ts.
   */
  TRUST_PROXY: z
    .string()
    .default("false")
    .transform((v, ctx): TrustProxy => {
      try {
        return parseTrustProxy(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Sign-ups allowed per client address per hour; 0 turns the limit off. */
  SIGNUP_PER_HOUR: z.coerce.number().int().min(0).max(1_000_000).default(5),
  /** Extra origins allowed to make cookie-authenticated writes (comma separated). */
  ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  WEB_DIST: z.string().optional(),
  /** How long a validated session is trusted without asking the database again (ms); 0 turns it off. */
  SESSION_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** A club's board coalescing window (ms): its first change is pushed at once, changes inside the window after it once at its end (a club whose recompute is slow waits at least as long as its recompute: BOARD_COALESCE_STRETCH). */
  BOARD_COALESCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10),
  /** How often background jobs (alarm sweeps, automatic month close) run; 0 turns them off. */
  JOB_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /** Scheduled backups of the embedded database: the folder they go to. */
  BACKUP_DIR: z.string().optional(),
  /** How often: a number and a unit, `30s`, `15m`, `6h`, `1d` (milliseconds once parsed). */
  BACKUP_EVERY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const ms = parseDuration(v);
      if (ms === undefined) {
        ctx.addIssue({ code: "custom", message: `"${v}" is not a period like 30s, 15m, 6h or 1d` });
        return z.NEVER;
      }
      return ms;
    }),
  /** How many scheduled backups are kept (the newest). */
  BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(7),
  /** Notifications (docs/notify.md): how often the outbox is swept for messages due; 0 turns delivery off. */
  NOTIFY_POLL_MS: z.coerce.number().int().min(0).default(2_000),
  /** How often the deliverer also visits every club, not only those with a message due (0: never). */
  NOTIFY_SWEEP_ALL_MS: z.coerce.number().int().min(0).default(600_000),
  /** The first retry's delay; each further failure doubles it, up to NOTIFY_RETRY_MAX_MS. */
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(1).default(10_000),
  NOTIFY_RETRY_MAX_MS: z.coerce.number().int().min(1).default(3_600_000),
  /** How long one attempt may take before it counts as failed. */
  NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long a claimed message is left to its sender before another process may try it (above the timeout). */
  NOTIFY_LEASE_MS: z.coerce.number().int().min(200).default(60_000),
  /** Consecutive failed attempts after which a channel is disabled and the club's managers are told. */
  NOTIFY_DISABLE_AFTER: z.coerce.number().int().min(1).max(1_000).default(10),
});

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `15m`, `6h`, `1d` in milliseconds; at least a second, at most a year. */
export function parseDuration(v: string): number | undefined {
  const m = /^(\d+)\s*([smhd])$/.exec(v.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  return ms >= 1_000 && ms <= 366 * UNITS.d! ? ms : undefined;
}

/** Settings that only make sense together. */
const checked = schema.superRefine((c, ctx) => {
  if (c.BACKUP_EVERY !== undefined && !c.BACKUP_DIR) {
    ctx.addIssue({ code: "custom", path: ["BACKUP_EVERY"], message: "needs BACKUP_DIR (where the backups go)" });
  }
  if (c.BACKUP_DIR && c.BACKUP_EVERY === undefined) {
    ctx.addIssue({ code: "custom", path: ["BACKUP_DIR"], message: "needs BACKUP_EVERY (how often), e.g. 6h" });
  }
  if (c.NOTIFY_LEASE_MS <= c.NOTIFY_TIMEOUT_MS) {
    ctx.addIssue({
      code: "custom",
      path: ["NOTIFY_LEASE_MS"],
      message: "must be longer than NOTIFY_TIMEOUT_MS (a sender still waiting must keep its message)",
    });
  }
  if (c.DATABASE_MIGRATE_URL && !c.DATABASE_URL) {
    ctx.addIssue({ code: "custom", path: ["DATABASE_MIGRATE_URL"], message: "needs DATABASE_URL (the database it migrates)" });
  }
  if (c.DATABASE_READ_URL && !c.DATABASE_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["DATABASE_READ_URL"],
      message: "needs DATABASE_URL (its primary): the embedded database has no standby",
    });
  }
  if (c.BACKUP_DIR && c.DATABASE_URL) {
    ctx.addIssue({
      code: "custom",
      path: ["BACKUP_DIR"],
      message:
        "scheduled backups are for the embedded database; on PostgreSQL run `pnpm backup` (pg_dump) from cron or use your own tooling",
    });
  }
});

export type Config = z.infer<typeof schema>;

/** The only reader of process.env: parse once at boot, refuse to start on a bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set" (DATABASE_URL= in a shell or a compose file).
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = checked.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // TEST_LOG_LEVEL=error shows what a failing test's server logged.
  const level = process.env.TEST_LOG_LEVEL ?? "silent";
  // Test files sign up many clubs from one address; the sign-up limit's own tests set it back.
  return {
    ...loadConfig({ LOG_LEVEL: level, DEMO_CLUB: "off", JOB_INTERVAL_MS: "0", NOTIFY_POLL_MS: "0", SIGNUP_PER_HOUR: "0" }),
    ...overrides,
  };
}
