-- PostgreSQL: generated SQL (tests/dialects.rs; UPDATE_GOLDEN=1 rewrites this file)
-- swap runs in one transaction: true

-- schema exists
SELECT 1 FROM information_schema.schemata WHERE schema_name = 'stg';

-- create schema
CREATE SCHEMA IF NOT EXISTS "stg";

-- table exists
SELECT 1 FROM information_schema.tables WHERE table_schema = 'stg' AND table_name = 'clients';

-- drop side table
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" bigint NOT NULL, "actief" boolean, "aantal" integer, "bedrag" numeric(12,2), "exact" numeric, "score" double precision, "code" character(6), "naam" character varying(100), "opmerking" text, "bestand" bytea, "datum" date, "tijd" time(6), "gewijzigd" timestamp(6), "vastgelegd" timestamp(6) with time zone);

-- truncate
TRUNCATE TABLE "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(octet_length("EXACT"::text)), MAX(octet_length("OPMERKING"::text)), MAX(octet_length("BESTAND")) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD" FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD" FROM "app"."CLIENTS" LIMIT 1000;

-- declared types
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass('"app"."CLIENTS"') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

