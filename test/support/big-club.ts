/**
 * A big club in a test server's PostgreSQL database, in seconds: hundreds of reps,
 * tens of thousands of customers, a year of revenue, this month's contacts (thousands
 * of them today) and open pace alarms — the size at which a screen that pages at 200,
 * sums pages in the browser or draws every row shows wrong numbers or freezes.
 *
 * The club, its admin and its manager are made through the API (real passwords and
 * sessions); the bulk is written with set-based SQL as the superuser (RLS does not
 * apply to it), and the maintained tables (monthly totals, per-day contact counts,
 * last in-person contact, name search grams) are filled from those facts the way the
 * bench does (test/bench/seed.ts), so they agree with the ledger by construction. Pace
 * alarms are raised by the product's own evaluation (evaluatePace), not written here.
 *
 * The generated data depends only on `seed` and the sizes (`setseed`), apart from
 * ids and the current time: the same call makes a club of the same shape.
 */
import postgres from "postgres";
import { evaluatePace } from "../../server/src/quotas/pace.ts";
import { addUser, call, loginAs, signupClub, type TestServer } from "./harness.ts";

export interface BigClubOptions {
  slug?: string;
  reps?: number;
  customers?: number;
  /** Revenue entries per active customer over the last 12 months (on average). */
  entriesPerActive?: number;
  /** Contacts logged today, over all reps (unevenly: some reps log many, some none). */
  contactsToday?: number;
  /** Contacts earlier this month and in the 11 months before, over all reps. */
  contactsEarlier?: number;
  /** Pace alarms of past months left unacknowledged (cleared), on top of this month's open ones. */
  pastAlarms?: number;
  /** Teams made through the API (default none), the reps put in them round-robin (rep1 in the first, …). */
  teams?: number;
  seed?: number;
}

export interface BigClub {
  slug: string;
  tenantId: string;
  admin: { id: string; token: string; email: string; password: string };
  manager: { id: string; token: string; email: string; password: string };
  /** Every rep's password (all seeded reps share it); emails are rep<N>@<slug>.test, N from 1. */
  repPassword: string;
  /** Rep ids in seeding order (rep1 … repN). */
  reps: { id: string; email: string; name: string }[];
  /** The teams made with `teams`, in order; rep k (from 1) is in teams[(k - 1) % teams.length]. */
  teams: { id: string; name: string }[];
  counts: {
    reps: number;
    users: number;
    customers: number;
    active: number;
    prospects: number;
    revenueEntries: number;
    contactsToday: number;
    /** Alarms neither acknowledged nor cleared: what `GET /alarms?status=unacknowledged` lists and the board's badge counts. */
    unacknowledgedAlarms: number;
  };
  /** The club's day and month at seeding (Asia/Shanghai). */
  today: string;
  month: string;
  seedMs: number;
  /** Milliseconds per seeding step. */
  phases: Record<string, number>;
}

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "高"];
const GIVEN = [
  "伟",
  "芳",
  "娜",
  "敏",
  "静",
  "丽",
  "强",
  "磊",
  "军",
  "洋",
  "勇",
  "艳",
  "杰",
  "娟",
  "涛",
  "明",
  "超",
  "秀英",
  "霞",
  "平",
  "刚",
  "桂英",
  "建华",
  "晓东",
  "海燕",
  "志强",
  "丹",
  "鹏",
  "婷",
  "欣",
];
const CITIES = ["上海", "北京", "深圳", "杭州", "南京", "苏州", "成都", "武汉", "广州", "天津"];
const TRADES = [
  "中信",
  "华泰",
  "东方",
  "新城",
  "宏达",
  "金桥",
  "远洋",
  "星河",
  "恒通",
  "瑞丰",
  "国泰",
  "海通",
  "万科",
  "绿地",
  "申能",
  "锦江",
  "光明",
  "百联",
  "復星",
  "振华",
];
const SUFFIXES = ["集团", "银行工会", "科技有限公司", "投资有限公司", "贸易公司"];

const pgArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x}'`).join(",")}]::text[]`;

/** The club's calendar day and month (Asia/Shanghai) of an instant. */
function shanghai(at: Date): { day: string; month: string } {
  const day = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return { day, month: day.slice(0, 7) };
}

/**
 * Seeds one big club into `ts` (which must run on PostgreSQL: `startTestServer(…, "postgres")`).
 * Reps sign in with `rep<N>@<slug>.test` / `repPassword`; the manager with its email/password.
 */
export async function seedBigClub(ts: TestServer, opts: BigClubOptions = {}): Promise<BigClub> {
  if (!ts.db.url) throw new Error("seedBigClub needs a PostgreSQL test server (startTestServer(…, 'postgres'))");
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  let last = t0;
  const mark = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - last);
    last = t;
  };
  const nReps = opts.reps ?? 600;
  const nCustomers = opts.customers ?? 60_000;
  const perActive = opts.entriesPerActive ?? 4;
  const contactsToday = opts.contactsToday ?? 3_500;
  const contactsEarlier = opts.contactsEarlier ?? 40_000;
  const pastAlarms = opts.pastAlarms ?? 800;
  const seed = opts.seed ?? 0.42;
  const slug = opts.slug ?? `big-${Date.now().toString(36)}`;

  const club = await signupClub(ts.url, slug);
  const adminPassword = "correct horse battery";
  const managerPassword = "manager pass 1";
  const repPassword = "big club rep pass 1";
  const managerEmail = `mgr@${slug}.test`;
  const mgr = await addUser(ts.url, club.token, "manager", managerEmail, managerPassword);
  // One real rep through the API: its password hash is the one every seeded rep shares.
  const first = await addUser(ts.url, club.token, "rep", `rep1@${slug}.test`, repPassword);
  const tenantId: string = club.tenant.id;

  const now = ts.clock.now();
  const { day: today, month } = shanghai(now);
  const sql = postgres(ts.db.url, {
    max: 1,
    onnotice: () => {},
    // FK triggers off for the load (every key is generated consistently here); the name
    // grams trigger is off too, and its rows are written set-based below.
    connection: { session_replication_role: "replica" },
  });
  try {
    await sql.begin(async (tx) => {
      // Secondary indexes of the bulk tables are dropped for the load and built once at the
      // end (much faster than row by row); the database is the test's own, fresh one.
      const bulk = ["customers", "customer_name_grams", "customer_status_history", "revenue_entries", "contacts", "rep_day_contacts"];
      const indexes = await tx<{ name: string; def: string }[]>`
        select i.indexname as name, i.indexdef as def from pg_indexes i
        where i.schemaname = 'public' and i.tablename = any(${bulk})
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
      for (const ix of indexes) await tx.unsafe(`drop index ${ix.name}`);
      await tx`select setseed(${seed})`;
      await tx`update club_settings set alarm_grace_days = 0 where tenant_id = ${tenantId}`;
      // Reps 2…N share rep 1's password hash; names repeat as real names do, numbered to tell them apart.
      await tx.unsafe(
        `insert into users (tenant_id, id, email, name, role, password_hash, created_at)
         select $1::uuid, gen_random_uuid(), 'rep' || i || '@' || $2 || '.test',
           (${pgArray(SURNAMES)})[1 + (i * 7) % ${SURNAMES.length}] || (${pgArray(GIVEN)})[1 + (i * 13) % ${GIVEN.length}] || i,
           'rep', (select password_hash from users where tenant_id = $1::uuid and id = $3::uuid), now() - interval '400 days'
         from generate_series(2, $4::int) i`,
        [tenantId, slug, first.id, nReps],
      );
      mark("reps");
      await tx`update users set name = '王伟1', created_at = now() - interval '400 days' where tenant_id = ${tenantId} and id = ${first.id}`;

      // Customers: 62% active, 25% prospects, 9% churned, 4% dropped; a third groups.
      // Owners round-robin over the reps, with a skew so some reps hold many more.
      await tx.unsafe(
        `create temp table big_reps on commit drop as
           select row_number() over (order by (substring(email from '^rep([0-9]+)@'))::int) as n, id
           from users where tenant_id = $1::uuid and role = 'rep'`,
        [tenantId],
      );
      await tx.unsafe(
        `insert into customers (tenant_id, id, name, kind, status, owner_id, profile, customer_since, active_since,
                                review_count_from, last_refreshed_at, created_at, updated_at)
         select $1::uuid, gen_random_uuid(),
           case when g then (${pgArray(CITIES)})[1 + (i * 3) % ${CITIES.length}] || (${pgArray(TRADES)})[1 + (i * 11) % ${TRADES.length}]
                         || (${pgArray(SUFFIXES)})[1 + (i * 5) % ${SUFFIXES.length}]
                else (${pgArray(SURNAMES)})[1 + (i * 17) % ${SURNAMES.length}] || (${pgArray(GIVEN)})[1 + (i * 29) % ${GIVEN.length}] end,
           case when g then 'group' else 'individual' end::customer_kind,
           st::customer_status, r.id,
           case when g then '{"phone":"021-62345678"}' else '{"phone":"13800138000"}' end::jsonb,
           case when st in ('active', 'churned') then (now() - interval '300 days')::date end,
           case when st in ('active', 'churned') then now() - interval '300 days' end,
           now() - interval '330 days', now() - (random() * interval '120 days'), now() - interval '330 days', now() - interval '30 days'
         from (
           select i, (i % 3 = 0) as g,
             case when i % 100 < 62 then 'active' when i % 100 < 87 then 'prospect' when i % 100 < 96 then 'churned' else 'dropped' end as st,
             1 + (case when i % 5 = 0 then i % greatest(1, $2::int / 10) else i % $2::int end) as owner_n
           from generate_series(1, $3::int) i
         ) s join big_reps r on r.n = s.owner_n`,
        [tenantId, nReps, nCustomers],
      );
      mark("customers");
      await tx`insert into customer_owners (tenant_id, customer_id, from_at, owner_id)
        select tenant_id, id, 'epoch'::timestamptz, owner_id from customers where tenant_id = ${tenantId}`;
      await tx`insert into customer_name_grams (tenant_id, gram, customer_id, name)
        select c.tenant_id, g, c.id, c.name from customers c, customer_name_grams_of(c.name) g where c.tenant_id = ${tenantId}`;
      mark("grams");
      await tx`insert into customer_status_history (tenant_id, id, customer_id, owner_id, from_status, to_status, at)
        select tenant_id, gen_random_uuid(), id, owner_id, null::customer_status, 'prospect'::customer_status, created_at
          from customers where tenant_id = ${tenantId}
        union all
        select tenant_id, gen_random_uuid(), id, owner_id, 'prospect'::customer_status, 'active'::customer_status, active_since
          from customers where tenant_id = ${tenantId} and active_since is not null
        union all
        select tenant_id, gen_random_uuid(), id, owner_id, 'active'::customer_status, 'churned'::customer_status, updated_at
          from customers where tenant_id = ${tenantId} and status = 'churned'
        union all
        select tenant_id, gen_random_uuid(), id, owner_id, 'prospect'::customer_status, 'dropped'::customer_status, updated_at
          from customers where tenant_id = ${tenantId} and status = 'dropped'`;

      mark("history");
      // Revenue: a Pareto-like spread over the active customers, in the last 12 months
      // (business hours, club time), never in the future.
      await tx.unsafe(
        `insert into revenue_entries (tenant_id, id, customer_id, rep_id, amount_fen, business_line, occurred_at, month, source, created_by, created_at)
         select $1::uuid, gen_random_uuid(), c.id, c.owner_id, e.fen, e.line, e.at,
           to_char(e.at at time zone 'Asia/Shanghai', 'YYYY-MM'), 'api', c.owner_id, e.at
         from (select id, owner_id, row_number() over (order by id) as k from customers
               where tenant_id = $1::uuid and status = 'active') c
         cross join lateral (
           select greatest(100, round(exp(ln(150000) + 1.1 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::bigint * (case when c.k % 4 = 0 then 3 else 1 end)) as fen,
             (array['membership','catering','spa','rooms','golf','fitness'])[1 + floor(random() * 6)::int] as line,
             least($2::timestamptz - interval '1 minute',
               date_trunc('day', $2::timestamptz - random() * interval '290 days') + interval '2 hours' + random() * interval '10 hours') as at
           from generate_series(1, 1 + floor(random() * (2 * $3::int - 1))::int + 0 * c.k::int)
         ) e`,
        [tenantId, now.toISOString(), perActive],
      );

      mark("revenue");
      // Contacts: earlier ones over the year and this month, and today's; customers
      // drawn with a skew (some get many contacts), so reps' counts spread widely.
      const [{ n: open } = { n: 0 }] = await tx<{ n: number }[]>`select count(*)::int as n from customers
        where tenant_id = ${tenantId} and status in ('active', 'prospect')`;
      const contactsInsert = (count: number, when: string) =>
        tx.unsafe(
          `insert into contacts (tenant_id, id, rep_id, customer_id, channel, in_person, target, outcome, occurred_at, day, month, created_at)
           select $1::uuid, gen_random_uuid(), c.owner_id, c.id, ch::contact_channel, ch in ('visit', 'demo'),
             (case when c.status = 'active' then 'existing' else 'prospect' end)::contact_target, 'interested', at,
             (at at time zone 'Asia/Shanghai')::date, to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM'), at
           from (
             select (array['visit','visit','demo','phone','phone','letter'])[1 + floor(random() * 6)::int] as ch,
               ${when} as at, 1 + floor(power(random(), 2) * $3::int)::int as cn
             from generate_series(1, $4::int)
           ) x
           join (select id, owner_id, status, row_number() over (order by id) as cn from customers
                 where tenant_id = $1::uuid and status in ('active', 'prospect')) c on c.cn = x.cn`,
          [tenantId, now.toISOString(), open, count],
        );
      await contactsInsert(
        contactsEarlier,
        "least($2::timestamptz - interval '1 day', date_trunc('day', $2::timestamptz - random() * interval '330 days') + interval '3 hours' + random() * interval '8 hours')",
      );
      // Today (club time), between the day's start and now.
      await contactsInsert(
        contactsToday,
        `(date_trunc('day', $2::timestamptz at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai')
           + random() * ($2::timestamptz - (date_trunc('day', $2::timestamptz at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai'))`,
      );

      mark("contacts");
      // Maintained tables, from the facts (as the bench seeds them).
      await tx`insert into customer_month_totals (tenant_id, customer_id, month, business_line, amount_fen)
        select tenant_id, customer_id, month, business_line, sum(amount_fen) from revenue_entries where tenant_id = ${tenantId} group by 1, 2, 3, 4`;
      await tx`insert into rep_month_totals (tenant_id, rep_id, month, amount_fen, entries)
        select tenant_id, rep_id, month, sum(amount_fen), count(*) from revenue_entries where tenant_id = ${tenantId} group by 1, 2, 3`;
      await tx`insert into club_year_volumes (tenant_id, year, volume_fen)
        select tenant_id, left(month, 4), sum(abs(amount_fen)) from revenue_entries where tenant_id = ${tenantId} group by 1, 2
        on conflict (tenant_id, year) do update set volume_fen = club_year_volumes.volume_fen + excluded.volume_fen`;
      await tx`insert into rep_day_contacts (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
        select tenant_id, rep_id, day, month,
          count(*) filter (where in_person and target = 'existing'), count(*) filter (where in_person and target = 'prospect'),
          count(*) filter (where channel = 'visit'), count(*) filter (where channel = 'demo'),
          count(*) filter (where channel = 'phone'), count(*) filter (where channel = 'letter')
        from contacts where tenant_id = ${tenantId} group by 1, 2, 3, 4`;
      await tx`insert into rep_month_contacts (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
        select tenant_id, rep_id, month, sum(existing_in_person), sum(prospect_in_person), sum(visits), sum(demos), sum(calls), sum(letters)
        from rep_day_contacts where tenant_id = ${tenantId} group by 1, 2, 3`;
      await tx`update customers c set last_in_person_at = x.last
        from (select customer_id, max(occurred_at) as last from contacts where tenant_id = ${tenantId} and in_person group by 1) x
        where c.tenant_id = ${tenantId} and c.id = x.customer_id`;

      mark("maintained");
      // Targets for every rep, this month and the 11 before: around the rep's usual month
      // (some well above it, so a share of reps is behind pace).
      await tx.unsafe(
        `insert into targets (tenant_id, rep_id, month, amount_fen, set_at)
         select u.id_t, u.id, m.month,
           greatest(1000000, round(coalesce(r.avg_fen, 3000000) * (0.6 + 1.2 * random()) / 100000) * 100000)::bigint,
           $2::timestamptz - interval '365 days'
         from (select tenant_id as id_t, id from users where tenant_id = $1::uuid and role = 'rep') u
         cross join (select to_char(($2::timestamptz at time zone 'Asia/Shanghai') - (k || ' months')::interval, 'YYYY-MM') as month
                     from generate_series(0, 11) k) m
         left join (select rep_id, avg(amount_fen) as avg_fen from rep_month_totals where tenant_id = $1::uuid group by 1) r on r.rep_id = u.id`,
        [tenantId, now.toISOString()],
      );

      mark("targets");
      await tx.unsafe("set local maintenance_work_mem = '256MB'");
      for (const ix of indexes) await tx.unsafe(ix.def);
      mark("indexes");
      // Past months' pace alarms, cleared with their month but never acknowledged.
      await tx.unsafe(
        `insert into alarms (tenant_id, id, key, kind, rep_id, level, message, data, raised_at, cleared_at)
         select $1::uuid, gen_random_uuid(), 'pace:' || r.id || ':' || m.month || ':' || lv || ':1', 'pace', r.id, lv,
           'pace below ' || lv, jsonb_build_object('month', m.month, 'pace', 0.5, 'achieved', 0, 'target', 0, 'elapsed', 0.5, 'previous', null),
           m.at, m.at + interval '20 days'
         from (select id, n from big_reps) r
         cross join lateral (
           select to_char(($2::timestamptz at time zone 'Asia/Shanghai') - (k || ' months')::interval, 'YYYY-MM') as month,
             $2::timestamptz - (k || ' months')::interval - interval '10 days' as at,
             (array['80','60','20'])[1 + (r.n + k) % 3] as lv
           from generate_series(1, 3) k
         ) m
         order by random()
         limit $3::int`,
        [tenantId, now.toISOString(), pastAlarms],
      );
    });
    mark("alarms");
    await sql.unsafe("analyze");
    mark("analyze");

    // This month's pace alarms, raised by the product's own rules.
    await evaluatePace({ deps: ts.server.deps, tenantId, actor: { kind: "system" } });
    mark("pace");

    const reps = await sql<{ id: string; email: string; name: string }[]>`
      select id, email, name from users where tenant_id = ${tenantId} and role = 'rep'
      order by (substring(email from '^rep([0-9]+)@'))::int`;
    // Teams through the API (as a manager makes them; each write moves the boards), members round-robin.
    const managerToken = await loginAs(ts.url, slug, managerEmail, managerPassword);
    const teams: { id: string; name: string }[] = [];
    for (let i = 0; i < (opts.teams ?? 0); i++) {
      const name = `${CITIES[i % CITIES.length]}${i >= CITIES.length ? Math.floor(i / CITIES.length) + 1 : ""}组`;
      const res = await call(ts.url, "POST", "/teams", { token: managerToken, body: { name } });
      if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
      teams.push({ id: res.body.id as string, name });
    }
    for (const [i, team] of teams.entries()) {
      const add = reps.filter((_, k) => k % teams.length === i).map((r) => r.id);
      const res = await call(ts.url, "PUT", `/teams/${team.id}/members`, { token: managerToken, body: { add } });
      if (res.status !== 200) throw new Error(`members: ${res.status} ${JSON.stringify(res.body)}`);
    }
    if (teams.length) mark("teams");
    const [c] = await sql<Record<string, number>[]>`select
      (select count(*)::int from users where tenant_id = ${tenantId} and role = 'rep') as reps,
      (select count(*)::int from users where tenant_id = ${tenantId}) as users,
      (select count(*)::int from customers where tenant_id = ${tenantId}) as customers,
      (select count(*)::int from customers where tenant_id = ${tenantId} and status = 'active') as active,
      (select count(*)::int from customers where tenant_id = ${tenantId} and status = 'prospect') as prospects,
      (select count(*)::int from revenue_entries where tenant_id = ${tenantId}) as "revenueEntries",
      (select count(*)::int from contacts where tenant_id = ${tenantId} and day = ${today}) as "contactsToday",
      (select count(*)::int from alarms where tenant_id = ${tenantId} and acknowledged_at is null and cleared_at is null) as "unacknowledgedAlarms"`;
    return {
      slug,
      tenantId,
      admin: { id: club.user.id, token: club.token, email: `admin@${slug}.test`, password: adminPassword },
      manager: {
        id: mgr.id,
        token: managerToken,
        email: managerEmail,
        password: managerPassword,
      },
      repPassword,
      reps,
      teams,
      counts: c as BigClub["counts"],
      today,
      month,
      seedMs: Math.round(performance.now() - t0),
      phases,
    };
  } finally {
    await sql.end();
  }
}
