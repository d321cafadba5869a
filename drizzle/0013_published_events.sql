CREATE TABLE "published_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "published_events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"merchant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"order_id" uuid,
	"payload" jsonb NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "event_id" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "event_types" text[];--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "eta_earlier_threshold_days" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "emails_off" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "show_po_notes" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "email_sender_name" text;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "email_reply_to" text;--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "published_events" ADD CONSTRAINT "published_events_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "published_events_feed_idx" ON "published_events" USING btree ("merchant_id","txid","seq");--> statement-breakpoint
CREATE INDEX "published_events_order_idx" ON "published_events" USING btree ("order_id");--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_earlier_threshold" CHECK ("merchants"."eta_earlier_threshold_days" >= 1);