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
CREATE TABLE "published_transactions" (
	"txid" "xid8" NOT NULL,
	"merchant_id" uuid NOT NULL,
	"position" bigint NOT NULL,
	CONSTRAINT "published_transactions_txid_merchant_id_pk" PRIMARY KEY("txid","merchant_id")
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
ALTER TABLE "published_transactions" ADD CONSTRAINT "published_transactions_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "published_events_txid_idx" ON "published_events" USING btree ("txid","merchant_id","seq");--> statement-breakpoint
CREATE INDEX "published_events_order_idx" ON "published_events" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "published_transactions_feed_idx" ON "published_transactions" USING btree ("merchant_id","position");--> statement-breakpoint
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_earlier_threshold" CHECK ("merchants"."eta_earlier_threshold_days" >= 1);--> statement-breakpoint
-- The feed's order (lib/events/feed.ts): each transaction that published events is numbered per
-- merchant at its commit, under the merchant's advisory lock, so numbers follow commit order and
-- a reader that sees number n sees every number below it. Deferred: the lock is held only from
-- this moment to the commit, not for the rest of the change's transaction.
CREATE SEQUENCE "published_transactions_position_seq";--> statement-breakpoint
CREATE FUNCTION published_transactions_number() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  merchant uuid;
BEGIN
  -- Fired once per event row; the first firing in a transaction numbers all of them.
  IF current_setting('backorder.published_numbered', true) = pg_current_xact_id()::text THEN
    RETURN NULL;
  END IF;
  PERFORM set_config('backorder.published_numbered', pg_current_xact_id()::text, true);
  FOR merchant IN
    SELECT DISTINCT e.merchant_id FROM published_events e WHERE e.txid = pg_current_xact_id() ORDER BY 1
  LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended('published-events:' || merchant::text, 0));
    INSERT INTO published_transactions (txid, merchant_id, position)
    VALUES (pg_current_xact_id(), merchant, nextval('published_transactions_position_seq'));
  END LOOP;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER published_events_number AFTER INSERT ON "published_events"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION published_transactions_number();
