import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function complaintRoutes(_deps: Deps) {
  return new Hono();
}
