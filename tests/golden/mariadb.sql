-- MariaDB/MySQL: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: false

-- missing database: exists? (on the server, without a database)
SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'staging';

-- missing database: create
CREATE DATABASE IF NOT EXISTS `staging` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- schema exists
SELECT 1 FROM information_schema.schemata WHERE schema_name = 'stg';

-- create schema
CREATE SCHEMA IF NOT EXISTS `stg`;

-- table exists
SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'stg' AND TABLE_NAME = 'clients';

-- drop side table
DROP TABLE IF EXISTS `stg`.`clients_s2s_new`;

-- create side table
CREATE TABLE `stg`.`clients_s2s_new` (`id` bigint NOT NULL, `actief` boolean NULL, `aantal` int NULL, `bedrag` decimal(12,2) NULL, `exact` longtext NULL, `score` double NULL, `code` char(6) NULL, `naam` varchar(100) NULL, `opmerking` longtext NULL, `bestand` longblob NULL, `datum` date NULL, `tijd` time(6) NULL, `gewijzigd` datetime(6) NULL, `vastgelegd` datetime(6) NULL, `nauwkeurig` datetime(6) NULL, `moment7` datetime(6) NULL, `groot` decimal(50,10) NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- target session
SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, 'STRICT_ALL_TABLES');

-- target session
SET SESSION time_zone = '+00:00';

-- existing table's columns
SELECT COLUMN_NAME, CONCAT(COLUMN_TYPE, CASE WHEN CHARACTER_SET_NAME IS NULL OR CHARACTER_SET_NAME = 'utf8mb4' THEN '' ELSE CONCAT(' CHARACTER SET ', CHARACTER_SET_NAME) END), NULL, CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END, CASE WHEN COLUMN_DEFAULT IS NOT NULL OR EXTRA <> '' THEN 1 ELSE 0 END FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'stg' AND TABLE_NAME = 'clients' ORDER BY ORDINAL_POSITION;

-- views that use the table
SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), VIEW_DEFINITION FROM information_schema.VIEWS WHERE LOCATE(CONCAT('`', 'stg', '`.`', 'clients', '`'), VIEW_DEFINITION) > 0;

-- insert into the side table of a new table
INSERT INTO `stg`.`clients_s2s_new` (`id`, `actief`, `aantal`, `bedrag`, `exact`, `score`, `code`, `naam`, `opmerking`, `bestand`, `datum`, `tijd`, `gewijzigd`, `vastgelegd`, `nauwkeurig`, `moment7`, `groot`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insert into the side table of an existing table (casts to its column types)
INSERT INTO `stg`.`clients_s2s_new` (`duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam`) VALUES (?, ?, ?, ?, ?);

-- truncate: refresh in one transaction: before, committed on its own
ALTER TABLE `stg`.`clients` ADD COLUMN IF NOT EXISTS `nieuw` varchar(40);

-- truncate: refresh in one transaction: in the transaction
DELETE FROM `stg`.`clients`;

-- truncate: refresh in one transaction: in the transaction
INSERT INTO `stg`.`clients` (`duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam`) SELECT `duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam` FROM `stg`.`clients_s2s_new`;

-- truncate: refresh in one transaction: after the commit
DROP TABLE IF EXISTS `stg`.`clients_s2s_new`;

-- append in one transaction: before, committed on its own
ALTER TABLE `stg`.`clients` ADD COLUMN IF NOT EXISTS `nieuw` varchar(40);

-- append in one transaction: in the transaction
INSERT INTO `stg`.`clients` (`duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam`) SELECT `duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam` FROM `stg`.`clients_s2s_new`;

-- append in one transaction: after the commit
DROP TABLE IF EXISTS `stg`.`clients_s2s_new`;

-- incremental with [merge-keys]: upsert in one transaction: before, committed on its own
ALTER TABLE `stg`.`clients` ADD COLUMN IF NOT EXISTS `nieuw` varchar(40);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
INSERT INTO `stg`.`clients` (`duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam`) SELECT `duur`, `bedrag`, `nauwkeurig`, `moment7`, `naam` FROM `stg`.`clients_s2s_new` ON DUPLICATE KEY UPDATE `nauwkeurig` = VALUES(`nauwkeurig`), `moment7` = VALUES(`moment7`), `naam` = VALUES(`naam`);

-- incremental with [merge-keys]: upsert in one transaction: after the commit
DROP TABLE IF EXISTS `stg`.`clients_s2s_new`;

-- check: the empty copy a refresh is tried on
CREATE TEMPORARY TABLE `stg`.`clients_s2s_copy` LIKE `stg`.`clients`;

-- check's sample table (temporary: DDL commits)
CREATE TEMPORARY TABLE `stg`.`clients_s2s_check` (`id` bigint NOT NULL, `actief` boolean NULL, `aantal` int NULL, `bedrag` decimal(12,2) NULL, `exact` longtext NULL, `score` double NULL, `code` char(6) NULL, `naam` varchar(100) NULL, `opmerking` longtext NULL, `bestand` longblob NULL, `datum` date NULL, `tijd` time(6) NULL, `gewijzigd` datetime(6) NULL, `vastgelegd` datetime(6) NULL, `nauwkeurig` datetime(6) NULL, `moment7` datetime(6) NULL, `groot` decimal(50,10) NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- truncate
TRUNCATE TABLE `stg`.`clients`;

-- row count and longest values
SELECT COUNT(*), MAX(IF(CHARSET(`EXACT`) IN ('utf8mb4', 'utf8mb3', 'utf8'), LENGTH(`EXACT`), LENGTH(CONVERT(`EXACT` USING utf8mb4)))), MAX(IF(CHARSET(`OPMERKING`) IN ('utf8mb4', 'utf8mb3', 'utf8'), LENGTH(`OPMERKING`), LENGTH(CONVERT(`OPMERKING` USING utf8mb4)))), MAX(LENGTH(`BESTAND`)) FROM `app`.`CLIENTS`;

-- select
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS`;

-- select with ROW_LIMIT
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` LIMIT 1000;

-- declared types
SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'CLIENTS' ORDER BY ORDINAL_POSITION;

-- where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema
SELECT DATABASE(), '';

-- where the catalog lists tables: SRC_SCHEMA
SELECT 'app', '';

-- [queries]: describe
SELECT * FROM (
SELECT c.`ID`, c.`NAME` FROM `app`.`CLIENTS` c WHERE c.`ID` > 10
) s2s_query WHERE 1 = 0;

-- [queries]: row count
SELECT COUNT(*) FROM (
SELECT c.`ID`, c.`NAME` FROM `app`.`CLIENTS` c WHERE c.`ID` > 10
) s2s_query;

-- [queries]: select with ROW_LIMIT
SELECT `ID`, `NAME` FROM (
SELECT c.`ID`, c.`NAME` FROM `app`.`CLIENTS` c WHERE c.`ID` > 10
) s2s_query LIMIT 1000;

-- [incremental]: the watermark, MAX of the target's column
SELECT MAX(`gewijzigd`) FROM `stg`.`clients`;

-- [incremental]: the window, integer
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `ID` > 41;

-- [incremental]: the window, date
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `DATUM` > DATE '2024-05-01';

-- [incremental]: the window, timestamp
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `GEWIJZIGD` > TIMESTAMP '2024-05-01 10:00:00.123456';

-- [incremental]: the window, timestamp with time zone
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `VASTGELEGD` > TIMESTAMP WITH TIME ZONE '2024-05-01 10:00:00.500+00:00';

-- [incremental]: the window, text
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `NAAM` > 'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `NAUWKEURIG` > TIMESTAMP '2024-05-01 10:00:00.123456700';

-- [incremental]: the window, a source column declared datetime
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `GEWIJZIGD` > TIMESTAMP '2024-05-01 10:00:00.123';

-- [incremental]: the window, a source column declared DATE
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `GEWIJZIGD` > TIMESTAMP '2024-05-01 10:00:00.123';

-- [partitions]: MIN and MAX of the partition column
SELECT MIN(`ID`), MAX(`ID`) FROM `app`.`CLIENTS`;

-- [partitions]: MIN and MAX of the partition column
SELECT MIN(`DATUM`), MAX(`DATUM`) FROM `app`.`CLIENTS`;

-- [partitions]: MIN and MAX of the partition column
SELECT MIN(`GEWIJZIGD`), MAX(`GEWIJZIGD`) FROM `app`.`CLIENTS`;

-- [partitions]: one range's read (NULLs in the first)
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE (`ID` < 26 OR `ID` IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `ID` >= 26 AND `ID` < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD`, `NAUWKEURIG`, `MOMENT7`, `GROOT` FROM `app`.`CLIENTS` WHERE `ID` >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT `ID` FROM `app`.`CLIENTS` WHERE `ID` IS NOT NULL AND `ID` > 41 ORDER BY `ID` LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT `DATUM` FROM `app`.`CLIENTS` WHERE `DATUM` IS NOT NULL ORDER BY `DATUM` LIMIT 1 OFFSET 49999;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT `GEWIJZIGD` FROM `app`.`CLIENTS` WHERE `GEWIJZIGD` IS NOT NULL ORDER BY `GEWIJZIGD` LIMIT 1 OFFSET 49999;

-- [merge-keys]: the unique key of a table the tool creates
ALTER TABLE `stg`.`clients_s2s_new` ADD UNIQUE (`id`, `code`);

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX `clients_s2s_wm` ON `stg`.`clients_s2s_new` (`gewijzigd`);

-- [merge-keys]: the unique keys of an existing table
SELECT index_name, CASE WHEN sub_part IS NULL THEN column_name END FROM information_schema.statistics WHERE non_unique = 0 AND table_schema = 'stg' AND table_name = 'clients';

-- swap (table exists)
DROP TABLE IF EXISTS `stg`.`clients_s2s_old`;

-- swap (table exists)
RENAME TABLE `stg`.`clients` TO `stg`.`clients_s2s_old`, `stg`.`clients_s2s_new` TO `stg`.`clients`;

-- swap (table exists)
DROP TABLE IF EXISTS `stg`.`clients_s2s_old`;

-- swap (first load)
RENAME TABLE `stg`.`clients_s2s_new` TO `stg`.`clients`;

-- the table's lock: take it without waiting (1 taken, 0 held)
SELECT GET_LOCK('s2s:stg.clients', 0);

-- the table's lock: give it back
SELECT RELEASE_LOCK('s2s:stg.clients');

-- the table's lock: does this session still hold it (1, 0)
SELECT COALESCE(IS_USED_LOCK('s2s:stg.clients') = CONNECTION_ID(), 0);

-- the table's lock: who holds it
SELECT CONCAT('connection ', p.ID, ' of ', p.USER, '@', p.HOST, ', ', p.COMMAND, ' for ', p.TIME, ' s') FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK('s2s:stg.clients');

-- the snapshot of a table's reads, per connection
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;

-- the snapshot of a table's reads, per connection (not parsed: sqlparser does not know it)
START TRANSACTION WITH CONSISTENT SNAPSHOT;

-- the last step's short lock waits
SET SESSION lock_wait_timeout = 2;

-- the last step's short lock waits
SET SESSION innodb_lock_wait_timeout = 2;

-- the last step's short lock waits: who holds locks
SELECT CONCAT('one of the sessions with an open transaction: ', GROUP_CONCAT(CONCAT('connection ', p.ID, ' of ', p.USER, '@', p.HOST, ' (transaction open since ', t.trx_started, ')') SEPARATOR '; ')) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID();

