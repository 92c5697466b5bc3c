-- SQLite: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: true

-- table exists
SELECT type, NULL FROM "stg".sqlite_master WHERE type IN ('table', 'view') AND name = 'clients';

-- drop side table
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" BIGINT NOT NULL, "actief" BOOLEAN, "aantal" INTEGER, "bedrag" DECIMAL_TEXT(12,2), "exact" NUMERIC_TEXT, "score" DOUBLE, "code" CHAR(6), "naam" VARCHAR(100), "opmerking" TEXT, "bestand" BLOB, "datum" DATE, "tijd" TIME, "gewijzigd" TIMESTAMP, "vastgelegd" TIMESTAMP, "nauwkeurig" TIMESTAMP, "moment7" TIMESTAMP, "groot" DECIMAL_TEXT(50,10));

-- existing table's columns
SELECT name, type, NULL, CASE WHEN "notnull" = 0 THEN 1 ELSE 0 END, CASE WHEN dflt_value IS NOT NULL OR (pk > 0 AND upper(type) = 'INTEGER') THEN 1 ELSE 0 END FROM pragma_table_info('clients', 'stg') ORDER BY cid;

-- views that use the table
SELECT name, sql FROM "stg".sqlite_master WHERE type = 'view' ORDER BY name;

-- insert into the side table of a new table
INSERT INTO "stg"."clients_s2s_new" ("id", "actief", "aantal", "bedrag", "exact", "score", "code", "naam", "opmerking", "bestand", "datum", "tijd", "gewijzigd", "vastgelegd", "nauwkeurig", "moment7", "groot") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insert into the side table of an existing table (casts to its column types)
INSERT INTO "stg"."clients_s2s_new" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") VALUES (?, ?, ?, ?, ?);

-- truncate: refresh in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR(40);

-- truncate: refresh in one transaction: in the transaction
DELETE FROM "stg"."clients";

-- truncate: refresh in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- truncate: refresh in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- append in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR(40);

-- append in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- append in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR(40);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new" WHERE true ON CONFLICT ("duur", "bedrag") DO UPDATE SET "nauwkeurig" = EXCLUDED."nauwkeurig", "moment7" = EXCLUDED."moment7", "naam" = EXCLUDED."naam";

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- check: the empty copy a refresh is tried on
CREATE TEMPORARY TABLE "clients_s2s_copy" AS SELECT * FROM "stg"."clients" WHERE 1 = 0;

-- truncate
DELETE FROM "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(length(CAST("EXACT" AS BLOB))), MAX(length(CAST("OPMERKING" AS BLOB))), MAX(length(CAST("BESTAND" AS BLOB))) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" LIMIT 1000;

-- declared types
SELECT name, type FROM pragma_table_info('CLIENTS', 'app') ORDER BY cid;

-- where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema
SELECT '', '';

-- where the catalog lists tables: SRC_SCHEMA
SELECT '', '';

-- [queries]: describe
SELECT * FROM (
SELECT c."ID", c."NAME" FROM "app"."CLIENTS" c WHERE c."ID" > 10
) s2s_query WHERE 1 = 0;

-- [queries]: row count
SELECT COUNT(*) FROM (
SELECT c."ID", c."NAME" FROM "app"."CLIENTS" c WHERE c."ID" > 10
) s2s_query;

-- [queries]: select with ROW_LIMIT
SELECT "ID", "NAME" FROM (
SELECT c."ID", c."NAME" FROM "app"."CLIENTS" c WHERE c."ID" > 10
) s2s_query LIMIT 1000;

-- [incremental]: the watermark, MAX of the target's column
SELECT MAX("gewijzigd") FROM "stg"."clients";

-- [incremental]: the window, integer
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "ID" > 41;

-- [incremental]: the window, date
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE replace("DATUM", 'T', ' ') > '2024-05-01';

-- [incremental]: the window, timestamp
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE strftime('%Y-%m-%d %H:%M:%S', "GEWIJZIGD") || substr(printf('%.9f', CAST('0' || substr("GEWIJZIGD", 20) AS REAL)), 2) > '2024-05-01 10:00:00.123456000';

-- [incremental]: the window, timestamp with time zone
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE strftime('%Y-%m-%d %H:%M:%S', "VASTGELEGD") || substr(printf('%.9f', CAST('0' || substr("VASTGELEGD", 20) AS REAL)), 2) > '2024-05-01 10:00:00.500000000';

-- [incremental]: the window, text
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "NAAM" > 'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE strftime('%Y-%m-%d %H:%M:%S', "NAUWKEURIG") || substr(printf('%.9f', CAST('0' || substr("NAUWKEURIG", 20) AS REAL)), 2) > '2024-05-01 10:00:00.123456700';

-- [incremental]: the window, a source column declared datetime
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > '2024-05-01 10:00:00.123000000';

-- [incremental]: the window, a source column declared DATE
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > '2024-05-01 10:00:00.123000000';

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("ID"), MAX("ID") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("DATUM"), MAX("DATUM") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("GEWIJZIGD"), MAX("GEWIJZIGD") FROM "app"."CLIENTS";

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE ("ID" < 26 OR "ID" IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "ID" >= 26 AND "ID" < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", CAST("EXACT" AS BLOB), CASE WHEN "SCORE" IS NULL THEN NULL ELSE printf('%!.20e', "SCORE") END, CAST("CODE" AS BLOB), CAST("NAAM" AS BLOB), CAST("OPMERKING" AS BLOB), "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", CAST("GROOT" AS BLOB) FROM "app"."CLIENTS" WHERE "ID" >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "ID" FROM "app"."CLIENTS" WHERE "ID" IS NOT NULL AND "ID" > 41 ORDER BY "ID" LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT replace("DATUM", 'T', ' ') FROM "app"."CLIENTS" WHERE replace("DATUM", 'T', ' ') IS NOT NULL ORDER BY replace("DATUM", 'T', ' ') LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT strftime('%Y-%m-%d %H:%M:%S', "GEWIJZIGD") || substr(printf('%.9f', CAST('0' || substr("GEWIJZIGD", 20) AS REAL)), 2) FROM "app"."CLIENTS" WHERE strftime('%Y-%m-%d %H:%M:%S', "GEWIJZIGD") || substr(printf('%.9f', CAST('0' || substr("GEWIJZIGD", 20) AS REAL)), 2) IS NOT NULL ORDER BY strftime('%Y-%m-%d %H:%M:%S', "GEWIJZIGD") || substr(printf('%.9f', CAST('0' || substr("GEWIJZIGD", 20) AS REAL)), 2) LIMIT 1 OFFSET 49999;

-- [merge-keys]: the unique key of a table the tool creates
CREATE UNIQUE INDEX "stg"."clients" ON "clients_s2s_new" ("id", "code");

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX "stg"."clients_s2s_wm" ON "clients_s2s_new" ("gewijzigd");

-- [merge-keys]: the unique keys of an existing table
SELECT il.name, ii.name FROM pragma_index_list('clients') il, pragma_index_info(il.name) ii WHERE il."unique" = 1 AND il.partial = 0 UNION ALL SELECT 'primary key', name FROM pragma_table_info('clients') WHERE pk > 0;

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- the table's lock: a file beside the database file
SELECT file FROM pragma_database_list WHERE name = 'main';

