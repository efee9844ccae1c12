import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function leaderboardRoutes(_deps: Deps) {
  return new Hono();
}
