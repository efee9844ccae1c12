import { awardsJobs } from "../awards/jobs.ts";
import { contactJobs } from "../contacts/jobs.ts";
import { customerJobs } from "../customers/jobs.ts";
import { quotaJobs } from "../quotas/jobs.ts";
import type { ClubJob } from "../writes/job-run.ts";

/** Every background job, in the order they run for each club. */
export const allJobs: ClubJob[] = [...customerJobs, ...contactJobs, ...quotaJobs, ...awardsJobs];
