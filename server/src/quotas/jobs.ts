import type { ClubJob } from "../jobs/job.ts";

export const quotaJobs: ClubJob[] = [];
