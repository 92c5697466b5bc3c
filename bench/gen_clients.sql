-- A table of the kind municipal applications hold (the shape of ../shared/bench): 12 columns.
-- psql -v table=bench_clients -v rows=1000000 -f bench/gen_clients.sql
DROP TABLE IF EXISTS :table;
CREATE TABLE :table (
  id            bigint PRIMARY KEY,
  bsn           varchar(9),
  achternaam    varchar(100),
  voornamen     varchar(200),
  geboortedatum date,
  bedrag        numeric(12,2),
  score         double precision,
  actief        boolean,
  gewijzigd     timestamp,
  opmerking     text,
  postcode      char(6),
  huisnummer    integer
);
INSERT INTO :table
SELECT g,
  lpad(((g::bigint * 7919) % 999999999)::text, 9, '0'),
  'Achternaam-' || (g % 5000) || ' van der Éénhoorn',
  'Voornaam ' || md5(g::text),
  date '1930-01-01' + (g % 30000),
  ((g % 100000) * 1.37)::numeric(12,2),
  (g % 997) / 13.0,
  (g % 3) = 0,
  timestamp '2020-01-01' + (g % 1000000) * interval '37 second',
  CASE WHEN g % 10 = 0 THEN NULL ELSE repeat('tekst ', (g % 20)) || 'ëindë' END,
  lpad((1000 + g % 9000)::text, 4, '0') || 'AB',
  (g % 300) + 1
FROM generate_series(1, :rows) g;
ANALYZE :table;
