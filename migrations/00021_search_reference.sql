-- +goose Up
-- The Member States and instruments searched from a stored tsvector too,
-- rather than one computed for every row at every search: names in both
-- languages with apostrophes splitting words ("d’Ivoire" is found by
-- "ivoire"), not stemmed (a name is not a word to reduce), and the codes.
ALTER TABLE member_states ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('ctap_simple', translate(name || ' ' || name_fr, '’''', '  ') || ' ' || iso3 || ' ' || iso2 || ' ' || m49)) STORED;
ALTER TABLE instruments ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    to_tsvector('ctap_en', short_name || ' ' || title) || to_tsvector('ctap_fr', short_name || ' ' || title)) STORED;

-- +goose Down
ALTER TABLE instruments DROP COLUMN search_doc;
ALTER TABLE member_states DROP COLUMN search_doc;
