-- Verified visits (docs/verified-visits.md): an in-person contact's check against its customer's pin,
-- fixed at logging; the position it was checked with (personal data, deleted after the club's retention);
-- a manager's acceptance of an unverified one; the checks in the contact counters; the customer's pin;
-- the club's radius and retention settings.
CREATE TYPE "public"."visit_check" AS ENUM('on_site', 'off_site', 'no_position', 'no_pin');--> statement-breakpoint
CREATE TABLE "contact_acceptances" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"reason" text NOT NULL,
	"accepted_by" uuid NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_acceptances_tenant_id_contact_id_pk" PRIMARY KEY("tenant_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "contact_positions" (
	"tenant_id" uuid NOT NULL,
	"contact_id" uuid NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"accuracy_m" real NOT NULL,
	"taken_at" timestamp with time zone,
	"recorded_at" timestamp with time zone NOT NULL,
	CONSTRAINT "contact_positions_tenant_id_contact_id_pk" PRIMARY KEY("tenant_id","contact_id")
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "visit_check" "visit_check";--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "distance_m" integer;--> statement-breakpoint
ALTER TABLE "rep_day_contacts" ADD COLUMN "on_site" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_day_contacts" ADD COLUMN "off_site" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_day_contacts" ADD COLUMN "no_position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_day_contacts" ADD COLUMN "no_pin" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_day_contacts" ADD COLUMN "accepted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_month_contacts" ADD COLUMN "on_site" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_month_contacts" ADD COLUMN "off_site" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_month_contacts" ADD COLUMN "no_position" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_month_contacts" ADD COLUMN "no_pin" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "rep_month_contacts" ADD COLUMN "accepted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pin_lat" double precision;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pin_lng" double precision;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pin_source" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pin_by" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pin_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "club_settings" ADD COLUMN "visit_radius_m" integer DEFAULT 300 NOT NULL;--> statement-breakpoint
ALTER TABLE "club_settings" ADD COLUMN "position_retention_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "contact_acceptances" ADD CONSTRAINT "contact_acceptances_tenant_id_contact_id_contacts_tenant_id_id_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_positions" ADD CONSTRAINT "contact_positions_tenant_id_contact_id_contacts_tenant_id_id_fk" FOREIGN KEY ("tenant_id","contact_id") REFERENCES "public"."contacts"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contact_positions_recorded_idx" ON "contact_positions" USING btree ("tenant_id","recorded_at");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_pin_whole" CHECK (("customers"."pin_lat" is null and "customers"."pin_lng" is null and "customers"."pin_source" is null and "customers"."pin_by" is null and "customers"."pin_at" is null)
        or ("customers"."pin_lat" between -90 and 90 and "customers"."pin_lng" between -180 and 180 and "customers"."pin_source" in ('visit', 'manager')
          and "customers"."pin_by" is not null and "customers"."pin_at" is not null));--> statement-breakpoint
ALTER TABLE "club_settings" ADD CONSTRAINT "club_settings_visit_radius" CHECK ("club_settings"."visit_radius_m" between 50 and 5000);--> statement-breakpoint
ALTER TABLE "club_settings" ADD CONSTRAINT "club_settings_position_retention" CHECK ("club_settings"."position_retention_days" between 1 and 3650);--> statement-breakpoint
COMMENT ON TABLE "contact_acceptances" IS 'append-only';--> statement-breakpoint
SELECT app_secure_tables();
