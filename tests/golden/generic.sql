-- generic ODBC: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: true

-- schema exists
SELECT 1 FROM information_schema.schemata WHERE schema_name = 'stg';

-- create schema
CREATE SCHEMA IF NOT EXISTS "stg";

-- table exists
SELECT table_type, NULL FROM information_schema.tables WHERE table_schema = 'stg' AND table_name = 'clients';

-- drop side table
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" BIGINT NOT NULL, "actief" BOOLEAN, "aantal" INTEGER, "bedrag" DECIMAL(12,2), "exact" CLOB, "score" DOUBLE PRECISION, "code" CHAR(6), "naam" VARCHAR(100), "opmerking" CLOB, "bestand" BLOB, "datum" DATE, "tijd" TIME(6), "gewijzigd" TIMESTAMP(6), "vastgelegd" TIMESTAMP(6) WITH TIME ZONE, "nauwkeurig" TIMESTAMP(7), "moment7" TIMESTAMP(7) WITH TIME ZONE, "groot" CLOB);

-- existing table's columns
SELECT column_name, data_type, NULL, CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END, CASE WHEN column_default IS NULL THEN 0 ELSE 1 END FROM information_schema.columns WHERE table_schema = 'stg' AND table_name = 'clients' ORDER BY ordinal_position;

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
MERGE INTO "stg"."clients" d USING "stg"."clients_s2s_new" s ON (d."duur" = s."duur" AND d."bedrag" = s."bedrag") WHEN MATCHED THEN UPDATE SET d."nauwkeurig" = s."nauwkeurig", d."moment7" = s."moment7", d."naam" = s."naam" WHEN NOT MATCHED THEN INSERT ("duur", "bedrag", "nauwkeurig", "moment7", "naam") VALUES (s."duur", s."bedrag", s."nauwkeurig", s."moment7", s."naam");

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- check: the empty copy a refresh is tried on
CREATE TEMPORARY TABLE "clients_s2s_copy" AS SELECT * FROM "stg"."clients" WHERE 1 = 0;

-- truncate
TRUNCATE TABLE "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(OCTET_LENGTH("EXACT")), MAX(OCTET_LENGTH("OPMERKING")), MAX(OCTET_LENGTH("BESTAND")) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" FETCH FIRST 1000 ROWS ONLY;

-- where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema
SELECT '', CURRENT_SCHEMA;

-- where the catalog lists tables: SRC_SCHEMA
SELECT '', 'app';

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
) s2s_query FETCH FIRST 1000 ROWS ONLY;

-- [incremental]: the watermark, MAX of the target's column
SELECT MAX("gewijzigd") FROM "stg"."clients";

-- [incremental]: the window, integer
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" > 41;

-- [incremental]: the window, date
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "DATUM" > DATE '2024-05-01';

-- [incremental]: the window, timestamp
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123456';

-- [incremental]: the window, timestamp with time zone
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "VASTGELEGD" > TIMESTAMP WITH TIME ZONE '2024-05-01 10:00:00.500+00:00';

-- [incremental]: the window, text
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "NAAM" > 'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "NAUWKEURIG" > TIMESTAMP '2024-05-01 10:00:00.123456700';

-- [incremental]: the window, a source column declared datetime
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123';

-- [incremental]: the window, a source column declared DATE
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123';

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("ID"), MAX("ID") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("DATUM"), MAX("DATUM") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("GEWIJZIGD"), MAX("GEWIJZIGD") FROM "app"."CLIENTS";

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE ("ID" < 26 OR "ID" IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" >= 26 AND "ID" < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", "VASTGELEGD", "NAUWKEURIG", "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "ID" FROM "app"."CLIENTS" WHERE "ID" IS NOT NULL AND "ID" > 41 ORDER BY "ID" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "DATUM" FROM "app"."CLIENTS" WHERE "DATUM" IS NOT NULL ORDER BY "DATUM" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "GEWIJZIGD" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" IS NOT NULL ORDER BY "GEWIJZIGD" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- [merge-keys]: the unique key of a table the tool creates
ALTER TABLE "stg"."clients_s2s_new" ADD UNIQUE ("id", "code");

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX "clients_s2s_wm" ON "stg"."clients_s2s_new" ("gewijzigd");

-- [merge-keys]: the unique keys of an existing table
SELECT tc.constraint_name, k.column_name FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name WHERE tc.constraint_type IN ('UNIQUE', 'PRIMARY KEY') AND tc.table_schema = 'stg' AND tc.table_name = 'clients';

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

