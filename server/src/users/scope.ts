import { users } from "@clubhouse/db";
import { eq, or, type SQL } from "drizzle-orm";
import { repInScope, scopeOf } from "../access/scope.ts";
import type { ServiceContext } from "../deps.ts";

/**
 * The users a caller may look up (docs/access.md): a team lead, themselves and the
 * reps of their team; everyone else, the whole club (a rep sees colleagues' names).
 */
export function usersInScope(ctx: ServiceContext): SQL | undefined {
  const scope = scopeOf(ctx);
  if (scope.kind !== "team") return undefined;
  return or(eq(users.id, scope.leadId), repInScope(scope, users.id));
}
