import { addUser, call, type Json, loginAs, signupClub } from "./harness.ts";

/** A club with an admin, a manager and two reps, signed in. */
export async function makeClub(url: string, slug: string) {
  const club = await signupClub(url, slug);
  const manager = await addUser(url, club.token, "manager", `mgr@${slug}.test`, "manager pass 1");
  const rep1 = await addUser(url, club.token, "rep", `rep1@${slug}.test`, "rep one pass 1");
  const rep2 = await addUser(url, club.token, "rep", `rep2@${slug}.test`, "rep two pass 2");
  return {
    slug,
    tenantId: club.tenant.id,
    admin: { id: club.user.id, token: club.token },
    manager: { id: manager.id, token: await loginAs(url, slug, `mgr@${slug}.test`, "manager pass 1") },
    rep1: { id: rep1.id, token: await loginAs(url, slug, `rep1@${slug}.test`, "rep one pass 1") },
    rep2: { id: rep2.id, token: await loginAs(url, slug, `rep2@${slug}.test`, "rep two pass 2") },
  };
}
export type Club = Awaited<ReturnType<typeof makeClub>>;

export async function newCustomer(url: string, token: string, body: Record<string, unknown>): Promise<Json> {
  const res = await call(url, "POST", "/customers", { token, body: { kind: "group", ...body } });
  if (res.status === 403 && body.status === "active") return activeForRep(url, token, body);
  if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const adminTokens = new Map<string, Promise<string>>();

/**
 * An active customer of a rep, made the way the rules allow (第五条 一 1.1: only a
 * card sale or a manager makes a customer active): the rep creates the prospect
 * and the club's admin (as signupClub made them) marks it active.
 */
async function activeForRep(url: string, token: string, body: Record<string, unknown>): Promise<Json> {
  const prospect = await newCustomer(url, token, { ...body, status: "prospect" });
  const { tenant } = (await call(url, "GET", "/me", { token })).body as { tenant: { slug: string } };
  const key = `${url} ${tenant.slug}`;
  const activate = async (fresh: boolean) => {
    let admin = adminTokens.get(key);
    if (!admin || fresh) {
      admin = loginAs(url, tenant.slug, `admin@${tenant.slug}.test`, "correct horse battery");
      adminTokens.set(key, admin);
    }
    return call(url, "PATCH", `/customers/${prospect.id}`, { token: await admin, body: { status: "active" } });
  };
  let res = await activate(false);
  if (res.status === 401) res = await activate(true); // the test's clock moved past the session
  if (res.status !== 200) throw new Error(`activate customer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function addRevenue(url: string, token: string, body: Record<string, unknown>): Promise<Json> {
  const res = await call(url, "POST", "/revenue", { token, body: { businessLine: "membership", ...body } });
  if (res.status !== 201) throw new Error(`revenue: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A rep asks for a public promotion (第五条 1.2): a day at 万达广场 from 10:00 to 18:00
 * club time on `day`, of one card type, 10 contacts expected. The answer as it came.
 */
export function askPromotion(url: string, token: string, cardTypeId: string, day: string, over: Record<string, unknown> = {}) {
  return call(url, "POST", "/promotions", {
    token,
    body: {
      place: "万达广场",
      startsAt: `${day}T10:00:00+08:00`,
      endsAt: `${day}T18:00:00+08:00`,
      cardTypeIds: [cardTypeId],
      expectedContacts: 10,
      ...over,
    },
  });
}
