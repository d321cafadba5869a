-- Waiting lines by the first day of their window, for the hourly sweep that re-dates windows the
-- calendar has overtaken (lib/eta/sweep.ts): it reads only the lines whose start has passed.
CREATE INDEX IF NOT EXISTS order_lines_waiting_start_idx ON order_lines (ship_start) WHERE status IN ('backordered', 'preorder');
