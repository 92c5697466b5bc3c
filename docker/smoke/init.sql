-- The smoke scenario's source: a small table of the kind municipal applications hold.
CREATE TABLE IF NOT EXISTS burgers (
  bsn           char(9) PRIMARY KEY,
  achternaam    varchar(200) NOT NULL,
  geboortedatum date,
  leges         numeric(10,2),
  gewijzigd     timestamp(6),
  geheim        boolean NOT NULL,
  foto          bytea
);
TRUNCATE burgers;
INSERT INTO burgers
SELECT lpad((100000000 + g * 7919 % 899999999)::text, 9, '0'),
       (ARRAY['de Vries', 'Yılmaz', 'Zoë van den Berg', 'O''Brien', 'Jansen "Jan"'])[1 + g % 5],
       date '1940-01-01' + g * 37 % 25000,
       (g % 1000) * 1.37,
       timestamp '2024-01-01' + g * interval '1 second 123456 microseconds',
       g % 50 = 0,
       CASE WHEN g % 10 = 0 THEN decode(md5(g::text), 'hex') END
FROM generate_series(1, 5000) g;
