CREATE TYPE "public"."contact_channel" AS ENUM('visit', 'demo', 'phone', 'letter');--> statement-breakpoint
CREATE TYPE "public"."contact_outcome" AS ENUM('none', 'interested', 'signed', 'declined');--> statement-breakpoint
CREATE TYPE "public"."contact_target" AS ENUM('existing', 'prospect');--> statement-breakpoint
CREATE TYPE "public"."review_decision" AS ENUM('continue', 'reassign', 'drop');--> statement-breakpoint
CREATE TYPE "public"."complaint_status" AS ENUM('open', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."customer_kind" AS ENUM('group', 'individual');--> statement-breakpoint
CREATE TYPE "public"."customer_status" AS ENUM('prospect', 'active', 'churned', 'dropped');--> statement-breakpoint
CREATE TABLE "alarms" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"rep_id" uuid,
	"subject_id" uuid,
	"level" text,
	"message" text NOT NULL,
	"data" jsonb,
	"raised_at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid,
	CONSTRAINT "alarms_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"tenant_id" uuid NOT NULL,
	"job" text NOT NULL,
	"period" text NOT NULL,
	"ran_at" timestamp with time zone NOT NULL,
	CONSTRAINT "job_runs_tenant_id_job_period_pk" PRIMARY KEY("tenant_id","job","period")
);
--> statement-breakpoint
CREATE TABLE "contact_voids" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"voided_by" uuid,
	"voided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_voids_tenant_id_contact_id_pk" PRIMARY KEY("tenant_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"rep_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" "contact_channel" NOT NULL,
	"in_person" boolean NOT NULL,
	"target" "contact_target" NOT NULL,
	"outcome" "contact_outcome" DEFAULT 'none' NOT NULL,
	"notes" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"day" date NOT NULL,
	"month" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contacts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "diaries" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"day" date NOT NULL,
	"working_time" text,
	"targets" text,
	"progress" text,
	"notes" text,
	"figures" jsonb,
	"submitted_at" timestamp with time zone,
	"manager_comment" text,
	"commented_by" uuid,
	"commented_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "diaries_tenant_id_rep_id_day_pk" PRIMARY KEY("tenant_id","rep_id","day")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_user_id_key_pk" PRIMARY KEY("tenant_id","user_id","key")
);
--> statement-breakpoint
CREATE TABLE "prospect_reviews" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"decision" "review_decision" NOT NULL,
	"from_owner_id" uuid NOT NULL,
	"to_owner_id" uuid,
	"contacts_counted" integer NOT NULL,
	"decided_by" uuid NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	CONSTRAINT "prospect_reviews_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "rep_day_contacts" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"day" date NOT NULL,
	"month" text NOT NULL,
	"existing_in_person" integer DEFAULT 0 NOT NULL,
	"prospect_in_person" integer DEFAULT 0 NOT NULL,
	"visits" integer DEFAULT 0 NOT NULL,
	"demos" integer DEFAULT 0 NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"letters" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rep_day_contacts_tenant_id_rep_id_day_pk" PRIMARY KEY("tenant_id","rep_id","day")
);
--> statement-breakpoint
CREATE TABLE "visit_plans" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"rep_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"day" date NOT NULL,
	"channel" "contact_channel",
	"note" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "visit_plans_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"summary" text NOT NULL,
	"status" "complaint_status" DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"opened_by" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolution" text,
	CONSTRAINT "complaints_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_changes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"actor_id" uuid,
	"kind" text NOT NULL,
	"changes" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_changes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_owners" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"from_at" timestamp with time zone NOT NULL,
	"owner_id" uuid NOT NULL,
	CONSTRAINT "customer_owners_tenant_id_customer_id_from_at_pk" PRIMARY KEY("tenant_id","customer_id","from_at")
);
--> statement-breakpoint
CREATE TABLE "customer_status_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"from_status" "customer_status",
	"to_status" "customer_status" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" uuid,
	CONSTRAINT "customer_status_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "customer_kind" NOT NULL,
	"status" "customer_status" DEFAULT 'prospect' NOT NULL,
	"owner_id" uuid NOT NULL,
	"referred_by_id" uuid,
	"expected_monthly_spend_fen" bigint,
	"profile" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"personal" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"features" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"transaction" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"customer_since" date,
	"active_since" timestamp with time zone,
	"review_count_from" timestamp with time zone DEFAULT now() NOT NULL,
	"last_refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_in_person_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "month_results" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" text NOT NULL,
	"target_fen" bigint,
	"achieved_fen" bigint NOT NULL,
	"attainment" double precision,
	"churn_rate" double precision NOT NULL,
	"outcome" text,
	"reasons" jsonb NOT NULL,
	"department_bonus_suspended" boolean NOT NULL,
	"closed_at" timestamp with time zone NOT NULL,
	"closed_by" uuid,
	CONSTRAINT "month_results_tenant_id_rep_id_month_pk" PRIMARY KEY("tenant_id","rep_id","month")
);
--> statement-breakpoint
CREATE TABLE "rep_pace" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" text NOT NULL,
	"level" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rep_pace_tenant_id_rep_id_month_pk" PRIMARY KEY("tenant_id","rep_id","month")
);
--> statement-breakpoint
CREATE TABLE "targets" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"set_by" uuid,
	"set_at" timestamp with time zone NOT NULL,
	CONSTRAINT "targets_tenant_id_rep_id_month_pk" PRIMARY KEY("tenant_id","rep_id","month")
);
--> statement-breakpoint
CREATE TABLE "card_sales" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"card_type_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"price_fen" bigint NOT NULL,
	"list_price_fen" bigint NOT NULL,
	"approved_by" uuid,
	"approval_note" text,
	"revenue_entry_id" uuid NOT NULL,
	"new_card_customer" boolean NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "card_sales_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "card_types" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"list_price_fen" bigint NOT NULL,
	"business_line" text DEFAULT 'membership' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "card_types_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer_month_totals" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"month" text NOT NULL,
	"business_line" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "customer_month_totals_tenant_id_customer_id_month_business_line_pk" PRIMARY KEY("tenant_id","customer_id","month","business_line")
);
--> statement-breakpoint
CREATE TABLE "customer_tiers" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"month" text NOT NULL,
	"tier" text NOT NULL,
	"spend_fen" bigint NOT NULL,
	"tier_a_fen" bigint NOT NULL,
	"tier_b_fen" bigint NOT NULL,
	CONSTRAINT "customer_tiers_tenant_id_customer_id_month_pk" PRIMARY KEY("tenant_id","customer_id","month")
);
--> statement-breakpoint
CREATE TABLE "rep_month_totals" (
	"tenant_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"month" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rep_month_totals_tenant_id_rep_id_month_pk" PRIMARY KEY("tenant_id","rep_id","month")
);
--> statement-breakpoint
CREATE TABLE "revenue_entries" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"rep_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"business_line" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"month" text NOT NULL,
	"reverses_id" uuid,
	"reason" text,
	"source" text NOT NULL,
	"import_id" uuid,
	"external_ref" text,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "revenue_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "revenue_imports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"sha256" text NOT NULL,
	"rows" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "revenue_imports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_runs" ADD CONSTRAINT "job_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_voids" ADD CONSTRAINT "contact_voids_tenant_id_contact_id_contacts_tenant_id_id_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "prospect_reviews" ADD CONSTRAINT "prospect_reviews_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "visit_plans" ADD CONSTRAINT "visit_plans_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_changes" ADD CONSTRAINT "customer_changes_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_owners" ADD CONSTRAINT "customer_owners_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_status_history" ADD CONSTRAINT "customer_status_history_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_owner_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_tenant_id_referred_by_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","referred_by_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_sales" ADD CONSTRAINT "card_sales_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_sales" ADD CONSTRAINT "card_sales_tenant_id_card_type_id_card_types_tenant_id_id_fk" FOREIGN KEY ("tenant_id","card_type_id") REFERENCES "public"."card_types"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_types" ADD CONSTRAINT "card_types_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_entries" ADD CONSTRAINT "revenue_entries_tenant_id_customer_id_customers_tenant_id_id_fk" FOREIGN KEY ("tenant_id","customer_id") REFERENCES "public"."customers"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revenue_imports" ADD CONSTRAINT "revenue_imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alarms_key_idx" ON "alarms" USING btree ("tenant_id","key");--> statement-breakpoint
CREATE INDEX "alarms_raised_idx" ON "alarms" USING btree ("tenant_id","raised_at");--> statement-breakpoint
CREATE INDEX "alarms_rep_idx" ON "alarms" USING btree ("tenant_id","rep_id","raised_at");--> statement-breakpoint
CREATE INDEX "contacts_rep_idx" ON "contacts" USING btree ("tenant_id","rep_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "contacts_rep_month_idx" ON "contacts" USING btree ("tenant_id","rep_id","month");--> statement-breakpoint
CREATE INDEX "contacts_customer_idx" ON "contacts" USING btree ("tenant_id","customer_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "contacts_month_idx" ON "contacts" USING btree ("tenant_id","month","occurred_at","id");--> statement-breakpoint
CREATE INDEX "diaries_day_idx" ON "diaries" USING btree ("tenant_id","day");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "prospect_reviews_customer_idx" ON "prospect_reviews" USING btree ("tenant_id","customer_id","decided_at");--> statement-breakpoint
CREATE INDEX "rep_day_contacts_month_idx" ON "rep_day_contacts" USING btree ("tenant_id","month","rep_id");--> statement-breakpoint
CREATE INDEX "visit_plans_rep_day_idx" ON "visit_plans" USING btree ("tenant_id","rep_id","day");--> statement-breakpoint
CREATE INDEX "complaints_open_idx" ON "complaints" USING btree ("tenant_id","status","opened_at");--> statement-breakpoint
CREATE INDEX "customer_changes_idx" ON "customer_changes" USING btree ("tenant_id","customer_id","at");--> statement-breakpoint
CREATE INDEX "customer_status_history_idx" ON "customer_status_history" USING btree ("tenant_id","customer_id","at");--> statement-breakpoint
CREATE INDEX "customer_status_history_owner_idx" ON "customer_status_history" USING btree ("tenant_id","owner_id","at");--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "customers_owner_idx" ON "customers" USING btree ("tenant_id","owner_id","name","id");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "customers_referred_idx" ON "customers" USING btree ("tenant_id","referred_by_id");--> statement-breakpoint
CREATE INDEX "customers_name_lower_idx" ON "customers" USING btree ("tenant_id",lower("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "month_results_month_idx" ON "month_results" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "targets_month_idx" ON "targets" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "card_sales_rep_idx" ON "card_sales" USING btree ("tenant_id","rep_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "card_types_name_idx" ON "card_types" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
CREATE INDEX "customer_month_totals_month_idx" ON "customer_month_totals" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "customer_tiers_month_idx" ON "customer_tiers" USING btree ("tenant_id","month","tier");--> statement-breakpoint
CREATE INDEX "rep_month_totals_month_idx" ON "rep_month_totals" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE UNIQUE INDEX "revenue_one_reversal_idx" ON "revenue_entries" USING btree ("tenant_id","reverses_id");--> statement-breakpoint
CREATE UNIQUE INDEX "revenue_external_ref_idx" ON "revenue_entries" USING btree ("tenant_id","external_ref");--> statement-breakpoint
CREATE INDEX "revenue_customer_idx" ON "revenue_entries" USING btree ("tenant_id","customer_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "revenue_rep_idx" ON "revenue_entries" USING btree ("tenant_id","rep_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "revenue_month_idx" ON "revenue_entries" USING btree ("tenant_id","month","occurred_at","id");--> statement-breakpoint
CREATE INDEX "revenue_time_idx" ON "revenue_entries" USING btree ("tenant_id","occurred_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "revenue_imports_sha_idx" ON "revenue_imports" USING btree ("tenant_id","kind","sha256");
--> statement-breakpoint
COMMENT ON TABLE revenue_entries IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE customer_status_history IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE customer_owners IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE customer_changes IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE card_sales IS 'append-only';
--> statement-breakpoint
-- Background jobs (alarm sweeps, automatic month close) list the clubs' ids to
-- visit each in its own withTenant transaction; only a transaction that asks for
-- the directory sees the tenants rows, and it sees no other table's rows.
CREATE POLICY tenant_directory ON tenants FOR SELECT USING (current_setting('app.tenant_directory', true) = 'on');
--> statement-breakpoint
COMMENT ON TABLE contacts IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE contact_voids IS 'append-only';
--> statement-breakpoint
COMMENT ON TABLE prospect_reviews IS 'append-only';
--> statement-breakpoint
-- 严格统计数字、不得弄虚作假: once submitted, a diary's own fields and frozen figures
-- never change; only a manager's comment may be added.
CREATE OR REPLACE FUNCTION diaries_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL AND (
    NEW.working_time IS DISTINCT FROM OLD.working_time OR NEW.targets IS DISTINCT FROM OLD.targets OR
    NEW.progress IS DISTINCT FROM OLD.progress OR NEW.notes IS DISTINCT FROM OLD.notes OR
    NEW.figures IS DISTINCT FROM OLD.figures OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at OR
    NEW.rep_id IS DISTINCT FROM OLD.rep_id OR NEW.day IS DISTINCT FROM OLD.day) THEN
    RAISE EXCEPTION 'diary % of % is submitted and locked', OLD.day, OLD.rep_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER diaries_locked BEFORE UPDATE ON diaries FOR EACH ROW EXECUTE FUNCTION diaries_locked();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION diaries_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.submitted_at IS NOT NULL THEN
    RAISE EXCEPTION 'diary % of % is submitted and cannot be deleted', OLD.day, OLD.rep_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER diaries_no_delete BEFORE DELETE ON diaries FOR EACH ROW EXECUTE FUNCTION diaries_no_delete();
