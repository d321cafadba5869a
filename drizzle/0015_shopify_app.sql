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
ALTER TABLE "shopify_connections" ADD CONSTRAINT "shopify_connections_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shopify_install_states" ADD CONSTRAINT "shopify_install_states_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;