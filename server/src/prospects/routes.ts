import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function prospectRoutes(_deps: Deps) {
  return new Hono();
}
