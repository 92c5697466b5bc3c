-- SQL Server: generated SQL (src/dialect/golden_tests/; scripts/update-golden.sh takes a change)
-- swap runs in one transaction: true

-- missing database: exists? (on the database 'master')
SELECT 1 FROM sys.databases WHERE name = N'staging';

-- missing database: create
CREATE DATABASE [staging];

-- schema exists
SELECT 1 FROM sys.schemas WHERE name = N'stg';

-- create schema (not parsed: sqlparser does not know it)
IF SCHEMA_ID(N'stg') IS NULL EXEC('CREATE SCHEMA [stg]');

-- table exists
SELECT TABLE_TYPE, NULL FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = N'stg' AND TABLE_NAME = N'clients';

-- drop side table (not parsed: sqlparser does not know it)
IF OBJECT_ID(N'[stg].[clients_s2s_new]', N'U') IS NOT NULL DROP TABLE [stg].[clients_s2s_new];

-- create side table
CREATE TABLE [stg].[clients_s2s_new] ([id] bigint NOT NULL, [actief] bit, [aantal] int, [bedrag] decimal(12,2), [exact] nvarchar(max), [score] float, [code] nchar(6), [naam] nvarchar(100), [opmerking] nvarchar(max), [bestand] varbinary(max), [datum] date, [tijd] time(6), [gewijzigd] datetime2(6), [vastgelegd] datetimeoffset(6), [nauwkeurig] datetime2(7), [moment7] datetimeoffset(7), [groot] nvarchar(53));

-- existing table's columns
SELECT c.name, t.name + CASE WHEN t.name IN (N'varchar', N'char', N'varbinary', N'binary') THEN N'(' + CASE WHEN c.max_length = -1 THEN N'max' ELSE CAST(c.max_length AS nvarchar(10)) END + N')' WHEN t.name IN (N'nvarchar', N'nchar') THEN N'(' + CASE WHEN c.max_length = -1 THEN N'max' ELSE CAST(c.max_length / 2 AS nvarchar(10)) END + N')' WHEN t.name IN (N'decimal', N'numeric') THEN N'(' + CAST(c.precision AS nvarchar(10)) + N',' + CAST(c.scale AS nvarchar(10)) + N')' WHEN t.name IN (N'datetime2', N'time', N'datetimeoffset') THEN N'(' + CAST(c.scale AS nvarchar(10)) + N')' ELSE N'' END, NULL, CASE WHEN c.is_nullable = 1 THEN 1 ELSE 0 END, CASE WHEN c.default_object_id <> 0 OR c.is_identity = 1 OR c.is_computed = 1 THEN 1 ELSE 0 END FROM sys.columns c JOIN sys.types t ON t.user_type_id = c.user_type_id WHERE c.object_id = OBJECT_ID(QUOTENAME(N'stg') + N'.' + QUOTENAME(N'clients')) ORDER BY c.column_id;

-- views that use the table
SELECT DISTINCT OBJECT_SCHEMA_NAME(d.referencing_id) + N'.' + OBJECT_NAME(d.referencing_id), NULL FROM sys.sql_expression_dependencies d JOIN sys.views v ON v.object_id = d.referencing_id WHERE d.referenced_id = OBJECT_ID(QUOTENAME(N'stg') + N'.' + QUOTENAME(N'clients')) UNION ALL SELECT OBJECT_SCHEMA_NAME(m.object_id) + N'.' + OBJECT_NAME(m.object_id), m.definition FROM sys.sql_modules m JOIN sys.views v ON v.object_id = m.object_id WHERE CHARINDEX(N'clients', m.definition) > 0;

-- insert into the side table of a new table
INSERT INTO [stg].[clients_s2s_new] ([id], [actief], [aantal], [bedrag], [exact], [score], [code], [naam], [opmerking], [bestand], [datum], [tijd], [gewijzigd], [vastgelegd], [nauwkeurig], [moment7], [groot]) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS datetime2(7)), CAST(? AS datetimeoffset(7)), ?);

-- insert into the side table of an existing table (casts to its column types)
INSERT INTO [stg].[clients_s2s_new] ([duur], [bedrag], [nauwkeurig], [moment7], [naam]) VALUES (CAST(? AS time(6)), CAST(? AS decimal(12,2)), CAST(? AS datetime2(3)), CAST(? AS datetimeoffset(3)), ?);

-- truncate: refresh in one transaction: in the transaction
ALTER TABLE [stg].[clients] ADD [nieuw] nvarchar(40);

-- truncate: refresh in one transaction: in the transaction
DELETE FROM [stg].[clients];

-- truncate: refresh in one transaction: in the transaction
INSERT INTO [stg].[clients] ([duur], [bedrag], [nauwkeurig], [moment7], [naam]) SELECT [duur], [bedrag], [nauwkeurig], [moment7], [naam] FROM [stg].[clients_s2s_new];

-- truncate: refresh in one transaction: in the transaction (not parsed: sqlparser does not know it)
IF OBJECT_ID(N'[stg].[clients_s2s_new]', N'U') IS NOT NULL DROP TABLE [stg].[clients_s2s_new];

-- append in one transaction: in the transaction
ALTER TABLE [stg].[clients] ADD [nieuw] nvarchar(40);

-- append in one transaction: in the transaction
INSERT INTO [stg].[clients] ([duur], [bedrag], [nauwkeurig], [moment7], [naam]) SELECT [duur], [bedrag], [nauwkeurig], [moment7], [naam] FROM [stg].[clients_s2s_new];

-- append in one transaction: in the transaction (not parsed: sqlparser does not know it)
IF OBJECT_ID(N'[stg].[clients_s2s_new]', N'U') IS NOT NULL DROP TABLE [stg].[clients_s2s_new];

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
ALTER TABLE [stg].[clients] ADD [nieuw] nvarchar(40);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
UPDATE d SET [nauwkeurig] = s.[nauwkeurig], [moment7] = s.[moment7], [naam] = s.[naam] FROM [stg].[clients] AS d WITH (UPDLOCK, HOLDLOCK) JOIN [stg].[clients_s2s_new] AS s ON d.[duur] = s.[duur] AND d.[bedrag] = s.[bedrag];

-- incremental with [merge-keys]: upsert in one transaction: in the transaction
INSERT INTO [stg].[clients] ([duur], [bedrag], [nauwkeurig], [moment7], [naam]) SELECT s.[duur], s.[bedrag], s.[nauwkeurig], s.[moment7], s.[naam] FROM [stg].[clients_s2s_new] AS s WHERE NOT EXISTS (SELECT 1 FROM [stg].[clients] AS d WITH (UPDLOCK, HOLDLOCK) WHERE d.[duur] = s.[duur] AND d.[bedrag] = s.[bedrag]);

-- incremental with [merge-keys]: upsert in one transaction: in the transaction (not parsed: sqlparser does not know it)
IF OBJECT_ID(N'[stg].[clients_s2s_new]', N'U') IS NOT NULL DROP TABLE [stg].[clients_s2s_new];

-- check: the empty copy a refresh is tried on
SELECT * INTO [#clients_s2s_copy] FROM [stg].[clients] WHERE 1 = 0;

-- truncate
TRUNCATE TABLE [stg].[clients];

-- row count and longest values
SELECT COUNT(*), MAX(DATALENGTH([EXACT]) * 3), MAX(DATALENGTH([OPMERKING]) * 3), MAX(DATALENGTH([BESTAND])) FROM [app].[CLIENTS];

-- select
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS];

-- select with ROW_LIMIT
SELECT TOP (1000) [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS];

-- where the catalog lists tables (SRC_TABLES patterns, EXCLUDE_COLUMNS): current schema
SELECT N'', SCHEMA_NAME();

-- where the catalog lists tables: SRC_SCHEMA
SELECT N'', N'app';

-- [queries]: describe
SELECT * FROM (
SELECT c.[ID], c.[NAME] FROM [app].[CLIENTS] c WHERE c.[ID] > 10
) s2s_query WHERE 1 = 0;

-- [queries]: row count
SELECT COUNT(*) FROM (
SELECT c.[ID], c.[NAME] FROM [app].[CLIENTS] c WHERE c.[ID] > 10
) s2s_query;

-- [queries]: select with ROW_LIMIT
SELECT TOP (1000) [ID], [NAME] FROM (
SELECT c.[ID], c.[NAME] FROM [app].[CLIENTS] c WHERE c.[ID] > 10
) s2s_query;

-- [incremental]: the watermark, MAX of the target's column
SELECT MAX([gewijzigd]) FROM [stg].[clients];

-- [incremental]: the window, integer
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [ID] > 41;

-- [incremental]: the window, date
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [DATUM] > CAST('2024-05-01' AS date);

-- [incremental]: the window, timestamp
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [GEWIJZIGD] > CAST('2024-05-01 10:00:00.1234560' AS datetime2(7));

-- [incremental]: the window, timestamp with time zone
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [VASTGELEGD] > CAST('2024-05-01 10:00:00.5000000+00:00' AS datetimeoffset(7));

-- [incremental]: the window, text
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [NAAM] > N'O''Brien';

-- [incremental]: the window, a timestamp of 7 digits
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [NAUWKEURIG] > CAST('2024-05-01 10:00:00.1234567' AS datetime2(7));

-- [incremental]: the window, a source column declared datetime
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [GEWIJZIGD] > CAST('2024-05-01 10:00:00.123' AS datetime);

-- [incremental]: the window, a source column declared DATE
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [GEWIJZIGD] > CAST('2024-05-01 10:00:00.1230000' AS datetime2(7));

-- [partitions]: MIN and MAX of the partition column
SELECT MIN([ID]), MAX([ID]) FROM [app].[CLIENTS];

-- [partitions]: MIN and MAX of the partition column
SELECT MIN([DATUM]), MAX([DATUM]) FROM [app].[CLIENTS];

-- [partitions]: MIN and MAX of the partition column
SELECT MIN([GEWIJZIGD]), MAX([GEWIJZIGD]) FROM [app].[CLIENTS];

-- [partitions]: one range's read (NULLs in the first)
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE ([ID] < 26 OR [ID] IS NULL);

-- [partitions]: one range's read (NULLs in the first)
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [ID] >= 26 AND [ID] < 51;

-- [partitions]: one range's read (NULLs in the first)
SELECT [ID], [ACTIEF], [AANTAL], [BEDRAG], [EXACT], [SCORE], [CODE], [NAAM], [OPMERKING], [BESTAND], [DATUM], [TIJD], [GEWIJZIGD], [VASTGELEGD], CONVERT(varchar(34), [NAUWKEURIG], 121), CONVERT(varchar(34), [MOMENT7], 121), [GROOT] FROM [app].[CLIENTS] WHERE [ID] >= 51;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT [ID] FROM [app].[CLIENTS] WHERE [ID] IS NOT NULL AND [ID] > 41 ORDER BY [ID] OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT [DATUM] FROM [app].[CLIENTS] WHERE [DATUM] IS NOT NULL ORDER BY [DATUM] OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- SRC_KEY_RANGES: where a range of the key ends
SELECT [GEWIJZIGD] FROM [app].[CLIENTS] WHERE [GEWIJZIGD] IS NOT NULL ORDER BY [GEWIJZIGD] OFFSET 49999 ROWS FETCH NEXT 1 ROWS ONLY;

-- [merge-keys]: the unique key of a table the tool creates
ALTER TABLE [stg].[clients_s2s_new] ADD UNIQUE ([id], [code]);

-- [incremental]: the index on the watermark column of a table the tool creates
CREATE INDEX [clients_s2s_wm] ON [stg].[clients_s2s_new] ([gewijzigd]);

-- [merge-keys]: the unique keys of an existing table
SELECT i.name, c.name FROM sys.indexes i JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0 JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE i.is_unique = 1 AND i.has_filter = 0 AND i.object_id = OBJECT_ID(N'[stg].[clients]');

-- swap (table exists) (not parsed: sqlparser does not know it)
IF OBJECT_ID(N'[stg].[clients]', N'U') IS NOT NULL DROP TABLE [stg].[clients];

-- swap (table exists) (not parsed: sqlparser does not know it)
EXEC sp_rename N'[stg].[clients_s2s_new]', N'clients', N'OBJECT';

-- swap (first load) (not parsed: sqlparser does not know it)
EXEC sp_rename N'[stg].[clients_s2s_new]', N'clients', N'OBJECT';

-- the table's lock: take it without waiting (1 taken, 0 held) (not parsed: sqlparser does not know it)
SET NOCOUNT ON; DECLARE @s2s_resource nvarchar(255) = CONCAT(DB_NAME(), N':', N's2s:stg.clients'); DECLARE @s2s_lock int = -1; IF APPLOCK_TEST('public', @s2s_resource, 'Exclusive', 'Session') = 1 EXEC @s2s_lock = sp_getapplock @Resource = @s2s_resource, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT CASE WHEN @s2s_lock >= 0 THEN 1 ELSE 0 END;

-- the table's lock: give it back (not parsed: sqlparser does not know it)
DECLARE @s2s_resource nvarchar(255) = CONCAT(DB_NAME(), N':', N's2s:stg.clients'); EXEC sp_releaseapplock @Resource = @s2s_resource, @LockOwner = 'Session';

-- the table's lock: does this session still hold it (1, 0) (not parsed: sqlparser does not know it)
DECLARE @s2s_resource nvarchar(255) = CONCAT(DB_NAME(), N':', N's2s:stg.clients'); SELECT CASE WHEN APPLOCK_MODE('public', @s2s_resource, 'Session') = 'Exclusive' THEN 1 ELSE 0 END;

-- the snapshot of a table's reads, per connection
SELECT CASE WHEN snapshot_isolation_state = 1 THEN 1 ELSE 0 END FROM sys.databases WHERE name = DB_NAME();

-- the snapshot of a table's reads, per connection
SET TRANSACTION ISOLATION LEVEL SNAPSHOT;

-- the snapshot of a table's reads: afterwards
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;

-- the last step's short lock waits (not parsed: sqlparser does not know it)
SET LOCK_TIMEOUT 2000;

-- the last step's short lock waits: who holds locks
SELECT STRING_AGG(CONCAT('session ', s.session_id, ' of ', s.login_name, ' from ', s.host_name, ' (', s.program_name, ')'), '; ') FROM sys.dm_exec_sessions s WHERE s.session_id IN (SELECT l.request_session_id FROM sys.dm_tran_locks l WHERE l.resource_type = 'OBJECT' AND l.resource_associated_entity_id = OBJECT_ID(N'[stg].[clients]') AND l.request_status = 'GRANT' AND l.request_session_id <> @@SPID);

