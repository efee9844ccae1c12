import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function contactRoutes(_deps: Deps) {
  return new Hono();
}
