-- +goose Up
-- Full-text search (/search): text search configurations that ignore
-- accents (unaccent) with English and French stemming, and "simple" for
-- languages PostgreSQL has no stemmer for; a generated tsvector per
-- searchable record, stemmed both ways (people search in either
-- language, and a record's language is not always the reader's), each
-- with its GIN index. Titles weigh more than bodies.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION ctap_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION ctap_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
CREATE TEXT SEARCH CONFIGURATION ctap_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION ctap_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION ctap_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION ctap_simple
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

ALTER TABLE needs ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || beneficiary_institutions), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || beneficiary_institutions), 'B')) STORED;
CREATE INDEX needs_search_idx ON needs USING gin (search_doc);

ALTER TABLE contributions ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description), 'B') || setweight(to_tsvector('ctap_fr', description), 'B')) STORED;
CREATE INDEX contributions_search_idx ON contributions USING gin (search_doc);

ALTER TABLE activities ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', title), 'A') || setweight(to_tsvector('ctap_fr', title), 'A') ||
    setweight(to_tsvector('ctap_en', description || ' ' || city), 'B') ||
    setweight(to_tsvector('ctap_fr', description || ' ' || city), 'B')) STORED;
CREATE INDEX activities_search_idx ON activities USING gin (search_doc);

ALTER TABLE progress_reports ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', narrative), 'B') || setweight(to_tsvector('ctap_fr', narrative), 'B') ||
    setweight(to_tsvector('ctap_en', measures), 'C') || setweight(to_tsvector('ctap_fr', measures), 'C')) STORED;
CREATE INDEX progress_reports_search_idx ON progress_reports USING gin (search_doc);

ALTER TABLE paragraphs ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('ctap_en', body), 'B')) STORED;
CREATE INDEX paragraphs_search_idx ON paragraphs USING gin (search_doc);

-- +goose Down
ALTER TABLE paragraphs DROP COLUMN search_doc;
ALTER TABLE progress_reports DROP COLUMN search_doc;
ALTER TABLE activities DROP COLUMN search_doc;
ALTER TABLE contributions DROP COLUMN search_doc;
ALTER TABLE needs DROP COLUMN search_doc;
DROP TEXT SEARCH CONFIGURATION ctap_simple;
DROP TEXT SEARCH CONFIGURATION ctap_fr;
DROP TEXT SEARCH CONFIGURATION ctap_en;
