-- +goose Up
-- Not every instrument is signed before it is joined: the 2005 Amendment
-- to the Convention on the Physical Protection of Nuclear Material was
-- never open for signature; States ratify, accept or approve it directly.
ALTER TABLE instruments ADD COLUMN open_for_signature boolean NOT NULL DEFAULT true;
UPDATE instruments SET open_for_signature = false WHERE code = 'cppnm-amendment-2005';

-- +goose Down
ALTER TABLE instruments DROP COLUMN open_for_signature;
