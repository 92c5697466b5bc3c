-- The smoke scenario's MariaDB source: the same 5,000 rows as init.sql, made with MariaDB's
-- sequence engine, so that a copy from either source must give the same staging table.
CREATE TABLE IF NOT EXISTS burgers (
  bsn           char(9) PRIMARY KEY,
  achternaam    varchar(200) NOT NULL,
  geboortedatum date,
  leges         decimal(10,2),
  gewijzigd     datetime(6),
  geheim        boolean NOT NULL,
  foto          blob
) CHARACTER SET utf8mb4;
TRUNCATE burgers;
INSERT INTO burgers
SELECT lpad(100000000 + seq * 7919 % 899999999, 9, '0'),
       elt(1 + seq % 5, 'de Vries', 'Yılmaz', 'Zoë van den Berg', 'O''Brien', 'Jansen "Jan"'),
       date '1940-01-01' + interval (seq * 37 % 25000) day,
       (seq % 1000) * 1.37,
       timestamp '2024-01-01 00:00:00' + interval seq second + interval seq * 123456 microsecond,
       seq % 50 = 0,
       CASE WHEN seq % 10 = 0 THEN unhex(md5(seq)) END
FROM seq_1_to_5000;
