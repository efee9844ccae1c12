import { contactJobs } from "../contacts/jobs.ts";
import { customerJobs } from "../customers/jobs.ts";
import { notifyJobs } from "../notify/jobs.ts";
import { quotaJobs } from "../quotas/jobs.ts";
import type { ClubJob } from "./job.ts";

/** Every background job, in the order they run for each club. */
export const allJobs: ClubJob[] = [...customerJobs, ...contactJobs, ...quotaJobs, ...notifyJobs];
