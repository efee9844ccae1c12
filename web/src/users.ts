import { client, data, type User } from "./api.ts";

/**
 * Every user of the club: the API pages at 200 at most, so this follows `nextCursor`
 * to the end (a club may have hundreds of reps). `onPage` sees the count so far.
 */
export async function allUsers(onPage?: (soFar: number) => void, role?: "rep" | "manager" | "admin"): Promise<User[]> {
  const out: User[] = [];
  let cursor: string | undefined;
  do {
    const query: { limit: string; cursor?: string; role?: "rep" | "manager" | "admin" } = { limit: "200" };
    if (cursor) query.cursor = cursor;
    if (role) query.role = role;
    const page = await data(client.users.$get({ query }));
    out.push(...page.items);
    onPage?.(out.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Enabled reps, by name (for choosing a new owner). */
export function activeReps(users: readonly User[]): User[] {
  return users.filter((u) => u.role === "rep" && !u.disabled).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}
