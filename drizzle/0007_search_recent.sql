-- "Newest orders whose customer name contains a common word": walk orders newest first instead of
-- collecting tens of thousands of trigram matches and sorting them. Also serves the delay-consent
-- scan of waiting lines whose promised ship date has passed.
CREATE INDEX IF NOT EXISTS orders_placed_idx ON orders (placed_at);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS order_lines_promised_waiting_idx ON order_lines (promised_ship_end) WHERE status IN ('backordered', 'preorder');
