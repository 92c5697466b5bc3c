-- SQLite: generated SQL (tests/dialects.rs; UPDATE_GOLDEN=1 rewrites this file)
-- swap runs in one transaction: true

-- table exists
SELECT 1 FROM "stg".sqlite_master WHERE type IN ('table', 'view') AND name = 'clients';

-- drop side table
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" BIGINT NOT NULL, "actief" BOOLEAN, "aantal" INTEGER, "bedrag" DECIMAL_TEXT(12,2), "exact" NUMERIC_TEXT, "score" DOUBLE, "code" CHAR(6), "naam" VARCHAR(100), "opmerking" TEXT, "bestand" BLOB, "datum" DATE, "tijd" TIME, "gewijzigd" TIMESTAMP, "vastgelegd" TIMESTAMP);

-- truncate
DELETE FROM "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(length(CAST("EXACT" AS BLOB))), MAX(length(CAST("OPMERKING" AS BLOB))), MAX(length(CAST("BESTAND" AS BLOB))) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD" FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD" FROM "app"."CLIENTS" LIMIT 1000;

-- declared types
SELECT name, type FROM pragma_table_info('CLIENTS', 'app') ORDER BY cid;

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

