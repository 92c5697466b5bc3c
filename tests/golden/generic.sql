-- generic ODBC: generated SQL (tests/dialects.rs; UPDATE_GOLDEN=1 rewrites this file)
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
CREATE TABLE "stg"."clients_s2s_new" ("id" BIGINT NOT NULL, "actief" BOOLEAN, "aantal" INTEGER, "bedrag" DECIMAL(12,2), "exact" CLOB, "score" DOUBLE PRECISION, "code" CHAR(6), "naam" VARCHAR(100), "opmerking" CLOB, "bestand" BLOB, "datum" DATE, "tijd" TIME(6), "gewijzigd" TIMESTAMP(6), "vastgelegd" TIMESTAMP(6) WITH TIME ZONE);

-- truncate
TRUNCATE TABLE "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(OCTET_LENGTH("EXACT")), MAX(OCTET_LENGTH("OPMERKING")), MAX(OCTET_LENGTH("BESTAND")) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD" FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD" FROM "app"."CLIENTS" FETCH FIRST 1000 ROWS ONLY;

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

