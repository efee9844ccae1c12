CREATE TABLE "notify_wakeups" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"stamp" uuid DEFAULT gen_random_uuid() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notify_wakeups" ADD CONSTRAINT "notify_wakeups_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notify_wakeups_due_idx" ON "notify_wakeups" USING btree ("due_at");--> statement-breakpoint
-- The deliverer's sweep reads which clubs have a message due from this one table, across
-- clubs, in its own scope (db/src/tenant.ts dueNotifyClubs); every other read and write
-- is the club's own (tenant_isolation, installed by app_secure_tables after migrate).
CREATE POLICY notify_directory ON notify_wakeups FOR SELECT USING (current_setting('app.notify_directory', true) = 'on');
--> statement-breakpoint
-- Backfill: each club's earliest pending message on an enabled channel. notify_outbox and
-- notify_channels force row-level security, which would hide every row from an owner that
-- is not a superuser (no club is set here); lift it for this transaction.
ALTER TABLE notify_outbox NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notify_channels NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO notify_wakeups (tenant_id, due_at)
SELECT o.tenant_id, min(o.next_attempt_at)
FROM notify_outbox o JOIN notify_channels c ON c.tenant_id = o.tenant_id AND c.id = o.channel_id
WHERE o.status = 'pending' AND c.enabled
GROUP BY o.tenant_id;
--> statement-breakpoint
ALTER TABLE notify_outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notify_channels FORCE ROW LEVEL SECURITY;
