-- PostgreSQL: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: true

-- missing database: exists? (on the database 'postgres')
SELECT 1 FROM pg_catalog.pg_database WHERE datname = 'staging';

-- missing database: create (not parsed: sqlparser does not know it)
CREATE DATABASE "staging" ENCODING 'UTF8' TEMPLATE template0;

-- schema exists
SELECT 1 FROM information_schema.schemata WHERE schema_name = 'stg';

-- create schema
CREATE SCHEMA IF NOT EXISTS "stg";

-- table exists
SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'BASE TABLE' END, NULL FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'stg' AND c.relname = 'clients' AND c.relkind IN ('r', 'p', 'v', 'm', 'f');

-- drop side table
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" bigint NOT NULL, "actief" boolean, "aantal" integer, "bedrag" numeric(12,2), "exact" numeric, "score" double precision, "code" character(6), "naam" character varying(100), "opmerking" text, "bestand" bytea, "datum" date, "tijd" time(6), "gewijzigd" timestamp(6), "vastgelegd" timestamp(6) with time zone, "nauwkeurig" timestamp(6), "moment7" timestamp(6) with time zone, "groot" numeric(50,10));

-- target session
SET TIME ZONE 'UTC';

-- existing table's columns
SELECT a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN t.typcategory = 'A' THEN NULL ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END, CASE WHEN a.attnotnull THEN 0 ELSE 1 END, CASE WHEN a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' THEN 1 ELSE 0 END FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE a.attrelid = to_regclass('"stg"."clients"') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;

-- views that use the table
SELECT DISTINCT quote_ident(vn.nspname) || '.' || quote_ident(v.relname), NULL FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN pg_catalog.pg_class v ON v.oid = r.ev_class JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refobjid = to_regclass('"stg"."clients"') AND v.oid <> d.refobjid;

-- insert into the side table of a new table
INSERT INTO "stg"."clients_s2s_new" ("id", "actief", "aantal", "bedrag", "exact", "score", "code", "naam", "opmerking", "bestand", "datum", "tijd", "gewijzigd", "vastgelegd", "nauwkeurig", "moment7", "groot") SELECT unnest(?::pg_catalog.int8[]), unnest(?::pg_catalog.bool[]), unnest(?::pg_catalog.int4[]), unnest(?::pg_catalog."numeric"[]), unnest(?::pg_catalog."numeric"[]), unnest(?::pg_catalog.float8[]), unnest(?::pg_catalog.bpchar[]), unnest(?::pg_catalog."varchar"[]), unnest(?::pg_catalog.text[]), unnest(?::pg_catalog.bytea[]), unnest(?::pg_catalog.date[]), unnest(?::pg_catalog."time"[]), unnest(?::pg_catalog."timestamp"[]), unnest(?::pg_catalog.timestamptz[]), unnest(?::pg_catalog."timestamp"[]), unnest(?::pg_catalog.timestamptz[]), unnest(?::pg_catalog."numeric"[]);

-- insert into the side table of an existing table (casts to its column types)
INSERT INTO "stg"."clients_s2s_new" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT unnest(?::pg_catalog."time"[]), unnest(?::pg_catalog."numeric"[]), unnest(?::pg_catalog."timestamp"[]), unnest(?::pg_catalog.timestamptz[]), unnest(?::pg_catalog.text[]);

-- truncate: refresh in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD COLUMN "nieuw" character varying(40);

-- truncate: refresh in one transaction: in the transaction
TRUNCATE TABLE "stg"."clients";

-- truncate: refresh in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- truncate: refresh in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- append in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD COLUMN "nieuw" character varying(40);

-- append in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- append in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
ALTER TABLE "stg"."clients" ADD COLUMN "nieuw" character varying(40);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new" WHERE true ON CONFLICT ("duur", "bedrag") DO UPDATE SET "nauwkeurig" = EXCLUDED."nauwkeurig", "moment7" = EXCLUDED."moment7", "naam" = EXCLUDED."naam";

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
DROP TABLE IF EXISTS "stg"."clients_s2s_new";

-- check: the empty copy a refresh is tried on (not parsed: sqlparser does not know it)
CREATE TEMPORARY TABLE "clients_s2s_copy" (LIKE "stg"."clients" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED INCLUDING IDENTITY);

-- truncate
TRUNCATE TABLE "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(octet_length("EXACT"::text)), MAX(octet_length("OPMERKING"::text)), MAX(octet_length("BESTAND")) FROM "app"."CLIENTS";

-- select
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" LIMIT 1000;

-- declared types
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = to_regclass('"app"."CLIENTS"') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;

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
) s2s_query LIMIT 1000;

-- [incremental]: the watermark, MAX of the target's column
SELECT MAX("gewijzigd") FROM "stg"."clients";

-- [incremental]: the window, integer
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" > 41;

-- [incremental]: the window, date
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "DATUM" > DATE '2024-05-01';

-- [incremental]: the window, timestamp
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123456';

-- [incremental]: the window, timestamp with time zone
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "VASTGELEGD" > TIMESTAMP WITH TIME ZONE '2024-05-01 10:00:00.500+00:00';

-- [incremental]: the window, text
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "NAAM" > 'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "NAUWKEURIG" > TIMESTAMP '2024-05-01 10:00:00.123456700';

-- [incremental]: the window, a source column declared datetime
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123';

-- [incremental]: the window, a source column declared DATE
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123';

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("ID"), MAX("ID") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("DATUM"), MAX("DATUM") FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT MIN("GEWIJZIGD"), MAX("GEWIJZIGD") FROM "app"."CLIENTS";

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE ("ID" < 26 OR "ID" IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" >= 26 AND "ID" < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT "ID", "ACTIEF", "AANTAL", "BEDRAG", "EXACT", "SCORE"::text, "CODE"::text, "NAAM"::text, "OPMERKING"::text, "BESTAND", "DATUM"::text, "TIJD", "GEWIJZIGD"::text, "VASTGELEGD", "NAUWKEURIG"::text, "MOMENT7", "GROOT" FROM "app"."CLIENTS" WHERE "ID" >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "ID" FROM "app"."CLIENTS" WHERE "ID" IS NOT NULL AND "ID" > 41 ORDER BY "ID" LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "DATUM" FROM "app"."CLIENTS" WHERE "DATUM" IS NOT NULL ORDER BY "DATUM" LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT "GEWIJZIGD" FROM "app"."CLIENTS" WHERE "GEWIJZIGD" IS NOT NULL ORDER BY "GEWIJZIGD" LIMIT 1 OFFSET 49999;

-- [merge-keys]: the unique key of a table the tool creates
ALTER TABLE "stg"."clients_s2s_new" ADD UNIQUE ("id", "code");

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX "clients_s2s_wm" ON "stg"."clients_s2s_new" ("gewijzigd");

-- [merge-keys]: the unique keys of an existing table
SELECT ci.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY((i.indkey::int2[])[0:i.indnkeyatts - 1]) WHERE i.indisunique AND i.indimmediate AND i.indpred IS NULL AND i.indexprs IS NULL AND n.nspname = 'stg' AND c.relname = 'clients';

-- swap (table exists)
DROP TABLE IF EXISTS "stg"."clients";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- the table's lock: take it without waiting (1 taken, 0 held)
SELECT CASE WHEN pg_try_advisory_lock(1394933761, 842657577) THEN 1 ELSE 0 END;

-- the table's lock: give it back
SELECT pg_advisory_unlock(1394933761, 842657577);

-- the table's lock: does this session still hold it (1, 0)
SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 1394933761 AND objid = 842657577 AND objsubid = 2 AND pid = pg_backend_pid();

-- the table's lock: who holds it
SELECT 'process ' || a.pid || ' of ' || coalesce(a.usename::text, '?') || coalesce(' from ' || host(a.client_addr), '') || coalesce(' (' || nullif(a.application_name, '') || ')', '') || ', connected since ' || to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 1394933761 AND l.objid = 842657577 AND l.objsubid = 2;

-- the snapshot of a table's reads: the first connection (not parsed: sqlparser does not know it)
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;

-- the snapshot of a table's reads: the first connection
SELECT pg_export_snapshot();

-- the snapshot of a table's reads: the others join it (not parsed: sqlparser does not know it)
SET TRANSACTION SNAPSHOT '00000003-0000001B-1';

-- the snapshot of a table's reads: afterwards
RESET default_transaction_isolation;

-- the snapshot of a table's reads: afterwards
RESET default_transaction_read_only;

-- the last step's short lock waits
SET lock_timeout = '2s';

-- the last step's short lock waits: who holds locks
SELECT string_agg(DISTINCT 'process ' || a.pid || ' of ' || coalesce(a.usename::text, '?') || ' (' || coalesce(a.state, '?') || coalesce(', transaction since ' || to_char(a.xact_start, 'HH24:MI:SS'), '') || '): ' || left(coalesce(a.query, ''), 80), '; ') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation = to_regclass('"stg"."clients"');

