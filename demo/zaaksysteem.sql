-- Sample data shaped like a municipal case-management application ("zaaksysteem").
-- Used by demo/run.sh; every value is made up.
CREATE TABLE burgers (
  bsn            CHAR(9) NOT NULL,
  voornamen      VARCHAR(200),
  achternaam     VARCHAR(200) NOT NULL,
  geboortedatum  DATE,
  email          VARCHAR(254),
  geheim         BOOLEAN NOT NULL
);
CREATE TABLE adressen (
  id             INTEGER NOT NULL,
  bsn            CHAR(9) NOT NULL,
  straat         VARCHAR(100),
  huisnummer     INTEGER,
  toevoeging     VARCHAR(10),
  postcode       CHAR(6),
  woonplaats     VARCHAR(80),
  sinds          DATE
);
CREATE TABLE zaken (
  zaaknummer     BIGINT NOT NULL,
  zaaktype       VARCHAR(60) NOT NULL,
  bsn            CHAR(9),
  omschrijving   TEXT,
  leges          DECIMAL_TEXT(12,2),
  ontvangen      TIMESTAMP NOT NULL,
  afgehandeld    TIMESTAMP,
  bijlage        BLOB
);

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
INSERT INTO burgers
SELECT printf('%09d', 100000000 + i * 7919 % 899999999),
       CASE i % 5 WHEN 0 THEN 'Jan Willem' WHEN 1 THEN 'Fatima' WHEN 2 THEN 'Ëlise'
                  WHEN 3 THEN 'Zoë' ELSE 'Mehmet' END,
       CASE i % 4 WHEN 0 THEN 'de Vries' WHEN 1 THEN 'van den Berg' WHEN 2 THEN 'Yılmaz'
                  ELSE 'Jansen' END,
       date('1930-01-01', '+' || (i * 37 % 30000) || ' days'),
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'burger' || i || '@example.nl' END,
       i % 50 = 0
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO adressen
SELECT i,
       printf('%09d', 100000000 + (1 + i % 2500) * 7919 % 899999999),
       CASE i % 3 WHEN 0 THEN 'Stationsstraat' WHEN 1 THEN 'Kerkplein' ELSE 'Dorpsstraat' END,
       1 + i % 250,
       CASE WHEN i % 7 = 0 THEN 'bis' WHEN i % 11 = 0 THEN '' ELSE NULL END,
       printf('%04d', 1000 + i % 8999) || CASE i % 2 WHEN 0 THEN 'AB' ELSE 'XY' END,
       CASE i % 2 WHEN 0 THEN 'Amersfoort' ELSE '''s-Hertogenbosch' END,
       date('2000-01-01', '+' || (i * 13 % 9000) || ' days')
FROM n;

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO zaken
SELECT 2024000000 + i,
       CASE i % 4 WHEN 0 THEN 'Omgevingsvergunning' WHEN 1 THEN 'Parkeervergunning'
                  WHEN 2 THEN 'Melding openbare ruimte' ELSE 'Uittreksel BRP' END,
       printf('%09d', 100000000 + (1 + i % 2500) * 7919 % 899999999),
       'Aanvraag ' || i || ': ' || replace(hex(zeroblob(i % 40)), '00', 'tekst met é, ë en € ') ,
       printf('%.2f', (i % 1000) * 1.37),
       datetime('2024-01-01 08:00:00', '+' || (i * 3571) || ' seconds') || '.' || printf('%06d', i * 7 % 1000000),
       CASE WHEN i % 6 = 0 THEN NULL
            ELSE datetime('2024-01-01 08:00:00', '+' || (i * 3571 + 86400 * (1 + i % 30)) || ' seconds') END,
       CASE WHEN i % 10 = 0 THEN zeroblob(100 + i % 900) ELSE NULL END
FROM n;
