CREATE TABLE "shopify_inventory_levels" (
	"merchant_id" uuid NOT NULL,
	"inventory_item_id" bigint NOT NULL,
	"location_id" bigint NOT NULL,
	"available" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "shopify_inventory_levels_merchant_id_inventory_item_id_location_id_pk" PRIMARY KEY("merchant_id","inventory_item_id","location_id")
);
--> statement-breakpoint
DROP INDEX "webhook_deliveries_due_idx";--> statement-breakpoint
ALTER TABLE "shopify_webhooks" ADD COLUMN "status" text DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "shopify_webhooks" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shopify_webhooks" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shopify_webhooks" ADD COLUMN "outcome" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "shopify_secret_previous_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "shopify_inventory_levels" ADD CONSTRAINT "shopify_inventory_levels_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "shopify_inventory_items_sku_idx" ON "shopify_inventory_items" USING btree ("sku_id");--> statement-breakpoint
CREATE INDEX "shopify_webhooks_due_idx" ON "shopify_webhooks" USING btree ("next_attempt_at") WHERE "shopify_webhooks"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "shopify_webhooks_merchant_idx" ON "shopify_webhooks" USING btree ("merchant_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" in ('pending','delivering');--> statement-breakpoint
ALTER TABLE "shopify_webhooks" ADD CONSTRAINT "shopify_webhooks_status" CHECK ("shopify_webhooks"."status" in ('pending','processed','rejected','failed'));