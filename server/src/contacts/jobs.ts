import type { ClubJob } from "../jobs/job.ts";

export const contactJobs: ClubJob[] = [];
