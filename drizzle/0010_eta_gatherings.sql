CREATE TABLE "eta_gatherings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "eta_gatherings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_ids" bigint[] NOT NULL,
	"at" timestamp with time zone NOT NULL
);
