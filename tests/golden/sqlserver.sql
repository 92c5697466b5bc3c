-- SQL Server: generated SQL (tests/dialects.rs; UPDATE_GOLDEN=1 rewrites this file)
-- swap runs in one transaction: true

-- schema exists
SELECT 1 FROM sys.schemas WHERE name = N'stg';

-- create schema (procedural: not parsed)
IF SCHEMA_ID(N'stg') IS NULL EXEC('CREATE SCHEMA [stg]');

-- table exists
SELECT 1 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = N'stg' AND TABLE_NAME = N'clients';

-- drop side table (procedural: not parsed)
IF OBJECT_ID(N'[stg].[clients_s2s_new]', N'U') IS NOT NULL DROP TABLE [stg].[clients_s2s_new];

-- create side table
CREATE TABLE [stg].[clients_s2s_new] ([id] bigint NOT NULL, [actief] bit, [aantal] int, [bedrag] decimal(12,2), [exact] nvarchar(max), [score] float, [code] nchar(6), [naam] nvarchar(100), [opmerking] nvarchar(max), [bestand] varbinary(max), [datum] date, [tijd] time(6), [gewijzigd] datetime2(6), [vastgelegd] datetimeoffset(6));

-- truncate
TRUNCATE TABLE [stg].[clients];

-- row count and longest values
SELECT COUNT(*), MAX(DATALENGTH([EXACT]) * 3), MAX(DATALENGTH([OPMERKING]) * 3), MAX(DATALENGTH([BESTAND])) FROM [app].[CLIENTS];

-- select
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD] FROM [app].[CLIENTS];

-- select with ROW_LIMIT
SELECT TOP (1000) [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD] FROM [app].[CLIENTS];

-- swap (table exists) (procedural: not parsed)
IF OBJECT_ID(N'[stg].[clients]', N'U') IS NOT NULL DROP TABLE [stg].[clients];

-- swap (table exists) (procedural: not parsed)
EXEC sp_rename N'[stg].[clients_s2s_new]', N'clients', N'OBJECT';

-- swap (first load) (procedural: not parsed)
EXEC sp_rename N'[stg].[clients_s2s_new]', N'clients', N'OBJECT';

