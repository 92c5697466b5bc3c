-- Oracle: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: false

-- schema exists
SELECT 1 FROM all_users WHERE username = 'stg';

-- table exists
SELECT 'TABLE', NULL FROM all_tables WHERE owner = 'stg' AND table_name = 'clients' UNION ALL SELECT 'VIEW', NULL FROM all_views WHERE owner = 'stg' AND view_name = 'clients';

-- drop side table (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_new" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- create side table
CREATE TABLE "stg"."clients_s2s_new" ("id" NUMBER(19) NOT NULL, "actief" NUMBER(1), "aantal" NUMBER(10), "bedrag" NUMBER(12,2), "exact" CLOB, "score" BINARY_DOUBLE, "code" CHAR(6 CHAR), "naam" VARCHAR2(100 CHAR), "opmerking" CLOB, "bestand" BLOB, "datum" DATE, "tijd" VARCHAR2(18 CHAR), "gewijzigd" TIMESTAMP(6), "vastgelegd" TIMESTAMP(6) WITH TIME ZONE, "nauwkeurig" TIMESTAMP(7), "moment7" TIMESTAMP(7) WITH TIME ZONE, "groot" VARCHAR2(53 CHAR));

-- target session (not parsed: sqlparser does not know it)
ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,' NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS' NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9' NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM' TIME_ZONE = '+00:00';

-- existing table's columns
SELECT column_name, data_type || CASE WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')' WHEN data_type = 'NUMBER' AND data_scale IS NOT NULL THEN '(*,' || data_scale || ')' WHEN data_type = 'FLOAT' THEN '(' || data_precision || ')' WHEN data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR') THEN '(' || char_length || ' CHAR)' WHEN data_type = 'RAW' THEN '(' || data_length || ')' ELSE '' END, NULL, CASE WHEN nullable = 'Y' THEN 1 ELSE 0 END, CASE WHEN data_default IS NULL THEN 0 ELSE 1 END FROM all_tab_columns WHERE owner = 'stg' AND table_name = 'clients' ORDER BY column_id;

-- views that use the table
SELECT DISTINCT owner || '.' || name, NULL FROM all_dependencies WHERE type = 'VIEW' AND referenced_type = 'TABLE' AND referenced_owner = 'stg' AND referenced_name = 'clients';

-- insert into the side table of a new table
INSERT INTO "stg"."clients_s2s_new" ("id", "actief", "aantal", "bedrag", "exact", "score", "code", "naam", "opmerking", "bestand", "datum", "tijd", "gewijzigd", "vastgelegd", "nauwkeurig", "moment7", "groot") VALUES (TO_NUMBER(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), ?);

-- insert into the side table of an existing table (casts to its column types)
INSERT INTO "stg"."clients_s2s_new" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") VALUES (?, TO_NUMBER(?), TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), ?);

-- truncate: refresh in one transaction: before, committed on its own
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR2(40 CHAR);

-- truncate: refresh in one transaction: in the transaction
DELETE FROM "stg"."clients";

-- truncate: refresh in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- truncate: refresh in one transaction: after the commit (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_new" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- append in one transaction: before, committed on its own
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR2(40 CHAR);

-- append in one transaction: in the transaction
INSERT INTO "stg"."clients" ("duur", "bedrag", "nauwkeurig", "moment7", "naam") SELECT "duur", "bedrag", "nauwkeurig", "moment7", "naam" FROM "stg"."clients_s2s_new";

-- append in one transaction: after the commit (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_new" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- incremental with [merge-keys]: upsert in one transaction: before, committed on its own
ALTER TABLE "stg"."clients" ADD "nieuw" VARCHAR2(40 CHAR);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
MERGE INTO "stg"."clients" d USING "stg"."clients_s2s_new" s ON (d."duur" = s."duur" AND d."bedrag" = s."bedrag") WHEN MATCHED THEN UPDATE SET d."nauwkeurig" = s."nauwkeurig", d."moment7" = s."moment7", d."naam" = s."naam" WHEN NOT MATCHED THEN INSERT ("duur", "bedrag", "nauwkeurig", "moment7", "naam") VALUES (s."duur", s."bedrag", s."nauwkeurig", s."moment7", s."naam");

-- incremental with [merge-keys]: upsert in one transaction: after the commit (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_new" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- check: the empty copy a refresh is tried on (not parsed: sqlparser does not know it)
CREATE PRIVATE TEMPORARY TABLE "ORA$PTT_CLIENTS_S2S_COPY" ON COMMIT PRESERVE DEFINITION AS SELECT * FROM "stg"."clients" WHERE 1 = 0;

-- check's sample table (temporary: DDL commits) (not parsed: sqlparser does not know it)
CREATE PRIVATE TEMPORARY TABLE "ORA$PTT_CLIENTS_S2S_CHECK" ("id" NUMBER(19) NOT NULL, "actief" NUMBER(1), "aantal" NUMBER(10), "bedrag" NUMBER(12,2), "exact" CLOB, "score" BINARY_DOUBLE, "code" CHAR(6 CHAR), "naam" VARCHAR2(100 CHAR), "opmerking" CLOB, "bestand" BLOB, "datum" DATE, "tijd" VARCHAR2(18 CHAR), "gewijzigd" TIMESTAMP(6), "vastgelegd" TIMESTAMP(6) WITH TIME ZONE, "nauwkeurig" TIMESTAMP(7), "moment7" TIMESTAMP(7) WITH TIME ZONE, "groot" VARCHAR2(53 CHAR)) ON COMMIT PRESERVE DEFINITION;

-- truncate
TRUNCATE TABLE "stg"."clients";

-- row count and longest values
SELECT COUNT(*), MAX(LENGTH(TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''))), MAX(DBMS_LOB.GETLENGTH(TO_CLOB("OPMERKING")) * 4), MAX(DBMS_LOB.GETLENGTH("BESTAND")) FROM "app"."CLIENTS";

-- select
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS";

-- select with ROW_LIMIT
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" FETCH FIRST 1000 ROWS ONLY;

-- declared types
SELECT column_name, data_type || CASE WHEN data_type = 'NUMBER' AND data_precision IS NOT NULL THEN '(' || data_precision || ',' || NVL(data_scale, 0) || ')' WHEN data_type = 'NUMBER' AND data_scale IS NOT NULL THEN '(*,' || data_scale || ')' WHEN data_type = 'FLOAT' THEN '(' || data_precision || ')' WHEN data_type IN ('VARCHAR2', 'NVARCHAR2', 'CHAR', 'NCHAR') THEN '(' || char_length || ')' WHEN data_type = 'RAW' THEN '(' || data_length || ')' ELSE '' END FROM all_tab_columns WHERE owner = 'app' AND table_name = 'CLIENTS' ORDER BY column_id;

-- where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema
SELECT NULL, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM DUAL;

-- where the catalog lists tables: SRC_SCHEMA
SELECT NULL, 'APP' FROM DUAL;

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
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "ID" > 41;

-- [incremental]: the window, date
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "DATUM" > DATE '2024-05-01';

-- [incremental]: the window, timestamp
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123456';

-- [incremental]: the window, timestamp with time zone
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "VASTGELEGD" > TIMESTAMP '2024-05-01 10:00:00.500 +00:00';

-- [incremental]: the window, text
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "NAAM" > 'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "NAUWKEURIG" > TIMESTAMP '2024-05-01 10:00:00.123456700';

-- [incremental]: the window, a source column declared datetime
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TIMESTAMP '2024-05-01 10:00:00.123';

-- [incremental]: the window, a source column declared DATE
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "GEWIJZIGD" > TO_DATE('2024-05-01 10:00:00', 'YYYY-MM-DD HH24:MI:SS');

-- [partitions]: MIN and MAX of the partition column
SELECT TO_CHAR(MIN("ID"), 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR(MAX("ID"), 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT TO_CHAR(MIN("DATUM"), 'YYYY-MM-DD'), TO_CHAR(MAX("DATUM"), 'YYYY-MM-DD') FROM "app"."CLIENTS";

-- [partitions]: MIN and MAX of the partition column
SELECT TO_CHAR(MIN("GEWIJZIGD"), 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR(MAX("GEWIJZIGD"), 'YYYY-MM-DD HH24:MI:SS.FF9') FROM "app"."CLIENTS";

-- [partitions]: one range's read (NULLs in the first)
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE ("ID" < 26 OR "ID" IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "ID" >= 26 AND "ID" < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "ACTIEF", "AANTAL", TO_CHAR("BEDRAG", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), TO_CHAR("EXACT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), "SCORE", "CODE", "NAAM", "OPMERKING", "BESTAND", "DATUM", "TIJD", "GEWIJZIGD", TO_CHAR("VASTGELEGD", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("NAUWKEURIG", 'YYYY-MM-DD HH24:MI:SS.FF9'), TO_CHAR("MOMENT7", 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'), TO_CHAR("GROOT", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "ID" >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT TO_CHAR("ID", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') FROM "app"."CLIENTS" WHERE "ID" IS NOT NULL AND "ID" > 41 ORDER BY "ID" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT TO_CHAR("DATUM", 'YYYY-MM-DD') FROM "app"."CLIENTS" WHERE "DATUM" IS NOT NULL ORDER BY "DATUM" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT TO_CHAR("GEWIJZIGD", 'YYYY-MM-DD HH24:MI:SS.FF9') FROM "app"."CLIENTS" WHERE "GEWIJZIGD" IS NOT NULL ORDER BY "GEWIJZIGD" OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- [merge-keys]: the unique key of a table the tool creates
ALTER TABLE "stg"."clients_s2s_new" ADD UNIQUE ("id", "code");

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX "stg"."clients_s2s_wm" ON "stg"."clients_s2s_new" ("gewijzigd");

-- [merge-keys]: the unique keys of an existing table
SELECT ic.index_name, ic.column_name FROM all_ind_columns ic JOIN all_indexes i ON i.owner = ic.index_owner AND i.index_name = ic.index_name WHERE i.uniqueness = 'UNIQUE' AND ic.table_owner = 'stg' AND ic.table_name = 'clients';

-- swap (table exists) (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_old" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- swap (table exists)
ALTER TABLE "stg"."clients" RENAME TO "clients_s2s_old";

-- swap (table exists)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- swap (table exists) (not parsed: sqlparser does not know it)
BEGIN EXECUTE IMMEDIATE 'DROP TABLE "stg"."clients_s2s_old" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;

-- swap (first load)
ALTER TABLE "stg"."clients_s2s_new" RENAME TO "clients";

-- the table's lock: take it without waiting (1 taken, 0 held) (not parsed: sqlparser does not know it)
WITH FUNCTION s2s_take RETURN NUMBER IS PRAGMA AUTONOMOUS_TRANSACTION; answer INTEGER; BEGIN answer := DBMS_LOCK.REQUEST(842657577, DBMS_LOCK.X_MODE, 0, FALSE); RETURN CASE answer WHEN 0 THEN 1 WHEN 4 THEN 1 WHEN 1 THEN 0 ELSE 10 + answer END; END; SELECT s2s_take FROM DUAL;

-- the table's lock: give it back (not parsed: sqlparser does not know it)
DECLARE answer INTEGER; BEGIN answer := DBMS_LOCK.RELEASE(842657577); END;

-- the table's lock: does this session still hold it (1, 0) (not parsed: sqlparser does not know it)
WITH FUNCTION s2s_take RETURN NUMBER IS PRAGMA AUTONOMOUS_TRANSACTION; answer INTEGER; BEGIN answer := DBMS_LOCK.REQUEST(842657577, DBMS_LOCK.X_MODE, 0, FALSE); RETURN CASE answer WHEN 0 THEN 1 WHEN 4 THEN 1 WHEN 1 THEN 0 ELSE 10 + answer END; END; SELECT s2s_take FROM DUAL;

-- the table's lock: who holds it
SELECT 'session ' || s.sid || ' of ' || s.username || ' from ' || s.machine || ' (' || s.program || ')' FROM v$lock l JOIN v$session s ON s.sid = l.sid WHERE l.type = 'UL' AND l.id1 = 842657577 AND l.lmode = 6 AND ROWNUM = 1;

-- the snapshot of a table's reads: the first connection
SELECT TO_CHAR(DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER) FROM DUAL;

-- the snapshot of a table's reads: every connection joins it (not parsed: sqlparser does not know it)
BEGIN DBMS_FLASHBACK.ENABLE_AT_SYSTEM_CHANGE_NUMBER(00000003-0000001B-1); END;

-- the snapshot of a table's reads: afterwards (not parsed: sqlparser does not know it)
BEGIN DBMS_FLASHBACK.DISABLE; END;

-- the last step's short lock waits (not parsed: sqlparser does not know it)
ALTER SESSION SET DDL_LOCK_TIMEOUT = 2;

