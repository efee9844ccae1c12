import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function awardRoutes(_deps: Deps) {
  return new Hono();
}
