-- MariaDB/MySQL: generated SQL (tests/dialects.rs; UPDATE_GOLDEN=1 rewrites this file)
-- swap runs in one transaction: false

-- schema exists
SELECT 1 FROM information_schema.schemata WHERE schema_name = 'stg';

-- create schema
CREATE SCHEMA IF NOT EXISTS `stg`;

-- table exists
SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'stg' AND TABLE_NAME = 'clients';

-- drop side table
DROP TABLE IF EXISTS `stg`.`clients_s2s_new`;

-- create side table
CREATE TABLE `stg`.`clients_s2s_new` (`id` bigint NOT NULL, `actief` boolean NULL, `aantal` int NULL, `bedrag` decimal(12,2) NULL, `exact` longtext NULL, `score` double NULL, `code` char(6) NULL, `naam` varchar(100) NULL, `opmerking` longtext NULL, `bestand` longblob NULL, `datum` date NULL, `tijd` time(6) NULL, `gewijzigd` datetime(6) NULL, `vastgelegd` datetime(6) NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- truncate
TRUNCATE TABLE `stg`.`clients`;

-- row count and longest values
SELECT COUNT(*), MAX(LENGTH(CONVERT(`EXACT` USING utf8mb4))), MAX(LENGTH(CONVERT(`OPMERKING` USING utf8mb4))), MAX(LENGTH(`BESTAND`)) FROM `app`.`CLIENTS`;

-- select
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD` FROM `app`.`CLIENTS`;

-- select with ROW_LIMIT
SELECT `ID`, `ACTIEF`, `AANTAL`, `BEDRAG`, `EXACT`, `SCORE`, `CODE`, `NAAM`, `OPMERKING`, `BESTAND`, `DATUM`, `TIJD`, `GEWIJZIGD`, `VASTGELEGD` FROM `app`.`CLIENTS` LIMIT 1000;

-- declared types
SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'CLIENTS' ORDER BY ORDINAL_POSITION;

-- swap (table exists)
DROP TABLE IF EXISTS `stg`.`clients_s2s_old`;

-- swap (table exists)
RENAME TABLE `stg`.`clients` TO `stg`.`clients_s2s_old`, `stg`.`clients_s2s_new` TO `stg`.`clients`;

-- swap (table exists)
DROP TABLE IF EXISTS `stg`.`clients_s2s_old`;

-- swap (first load)
RENAME TABLE `stg`.`clients_s2s_new` TO `stg`.`clients`;

