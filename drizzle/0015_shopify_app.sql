CREATE TABLE "shopify_compliance_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"webhook_id" text NOT NULL,
	"topic" text NOT NULL,
	"subject" text NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"summary" text NOT NULL,
	"export" jsonb
);
--> statement-breakpoint
CREATE TABLE "shopify_connections" (
	"merchant_id" uuid PRIMARY KEY NOT NULL,
	"shop_domain" text NOT NULL,
	"access_token_sealed" text,
	"scopes" text NOT NULL,
	"installed_at" timestamp with time zone NOT NULL,
	"installed_by" text,
	"uninstalled_at" timestamp with time zone,
	"redact_at" timestamp with time zone,
	"token_rejected_at" timestamp with time zone,
	"webhook_subscriptions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"webhooks_registered_at" timestamp with time zone,
	"backfill_status" text DEFAULT 'pending' NOT NULL,
	"backfill_cursor" text,
	"backfill_products" integer DEFAULT 0 NOT NULL,
	"backfill_variants" integer DEFAULT 0 NOT NULL,
	"backfill_error" text,
	"backfill_next_attempt_at" timestamp with time zone,
	"backfill_updated_at" timestamp with time zone,
	CONSTRAINT "shopify_connections_shopDomain_unique" UNIQUE("shop_domain"),
	CONSTRAINT "shopify_connections_backfill_status" CHECK ("shopify_connections"."backfill_status" in ('pending','running','done','failed'))
);
--> statement-breakpoint
CREATE TABLE "shopify_install_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"shop_domain" text NOT NULL,
	"merchant_id" uuid,
	"new_merchant_name" text,
	"new_merchant_slug" text,
	"started_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shopify_writebacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"merchant_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"shopify_order_id" text NOT NULL,
	"content" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shopify_writebacks_status" CHECK ("shopify_writebacks"."status" in ('pending','done','failed','cancelled'))
);
--> statement-breakpoint
ALTER TABLE "shopify_compliance_requests" ADD CONSTRAINT "shopify_compliance_requests_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopify_connections" ADD CONSTRAINT "shopify_connections_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopify_install_states" ADD CONSTRAINT "shopify_install_states_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopify_writebacks" ADD CONSTRAINT "shopify_writebacks_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shopify_compliance_requests_merchant_idx" ON "shopify_compliance_requests" USING btree ("merchant_id","completed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "shopify_writebacks_one_pending" ON "shopify_writebacks" USING btree ("order_id") WHERE "shopify_writebacks"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "shopify_writebacks_due_idx" ON "shopify_writebacks" USING btree ("next_attempt_at") WHERE "shopify_writebacks"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "shopify_writebacks_order_idx" ON "shopify_writebacks" USING btree ("order_id","created_at");