-- Public promotions (第五条 1.2, docs/regulation.md): a rep asks, a manager approves or refuses once;
-- contacts and card sales made at one name it.
CREATE TYPE "public"."promotion_status" AS ENUM('requested', 'approved', 'refused', 'cancelled');--> statement-breakpoint
CREATE TABLE "promotions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"rep_id" uuid NOT NULL,
	"place" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"card_type_ids" uuid[] NOT NULL,
	"expected_contacts" integer NOT NULL,
	"note" text,
	"status" "promotion_status" DEFAULT 'requested' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "promotions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "promotions_window" CHECK ("promotions"."ends_at" > "promotions"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "promotion_id" uuid;--> statement-breakpoint
ALTER TABLE "card_sales" ADD COLUMN "promotion_id" uuid;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_tenant_id_rep_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","rep_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "promotions_rep_idx" ON "promotions" USING btree ("tenant_id","rep_id","starts_at");--> statement-breakpoint
CREATE INDEX "promotions_status_idx" ON "promotions" USING btree ("tenant_id","status","starts_at");--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tenant_id_promotion_id_promotions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","promotion_id") REFERENCES "public"."promotions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "card_sales" ADD CONSTRAINT "card_sales_tenant_id_promotion_id_promotions_tenant_id_id_fk" FOREIGN KEY ("tenant_id","promotion_id") REFERENCES "public"."promotions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contacts_promotion_idx" ON "contacts" USING btree ("tenant_id","promotion_id") WHERE "contacts"."promotion_id" is not null;--> statement-breakpoint
CREATE INDEX "card_sales_promotion_idx" ON "card_sales" USING btree ("tenant_id","promotion_id") WHERE "card_sales"."promotion_id" is not null;--> statement-breakpoint
SELECT app_secure_tables();
