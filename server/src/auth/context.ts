import type { Role } from "@clubhouse/db";

/** Who a valid session is: the user and their club (auth/session.ts reads it, session-cache.ts keeps it). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}
export interface SessionTenant {
  id: string;
  slug: string;
  name: string;
  timezone: string;
}
export interface AuthContext {
  sessionId: string;
  user: SessionUser;
  tenant: SessionTenant;
}
