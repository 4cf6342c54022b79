-- The table sqlx's checked query names (src/db/servers/checked.rs): its
-- schema is what the query is checked against at compile time, by
-- chapters/06-ecosystem/sqlx-prepare, and what the section creates.
CREATE TABLE IF NOT EXISTS checked_items (id INT PRIMARY KEY, quantity INT NOT NULL);
