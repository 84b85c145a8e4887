-- +goose Up
-- Donor organizations: Member States that fund technical assistance against
-- terrorism, and others. Each has a slug for its address /donors/{slug}.
INSERT INTO donor_organizations (slug, name, name_fr, kind, member_state_id)
SELECT d.slug, s.name, s.name_fr, 'member_state', s.id
FROM (VALUES
    ('australia', 'AUS'), ('austria', 'AUT'), ('belgium', 'BEL'), ('canada', 'CAN'),
    ('china', 'CHN'), ('colombia', 'COL'), ('denmark', 'DNK'), ('finland', 'FIN'),
    ('france', 'FRA'), ('germany', 'DEU'), ('india', 'IND'), ('italy', 'ITA'),
    ('japan', 'JPN'), ('kazakhstan', 'KAZ'), ('kuwait', 'KWT'), ('liechtenstein', 'LIE'),
    ('luxembourg', 'LUX'), ('monaco', 'MCO'), ('netherlands', 'NLD'), ('new-zealand', 'NZL'),
    ('norway', 'NOR'), ('qatar', 'QAT'), ('republic-of-korea', 'KOR'), ('russian-federation', 'RUS'),
    ('saudi-arabia', 'SAU'), ('spain', 'ESP'), ('sweden', 'SWE'), ('switzerland', 'CHE'),
    ('turkiye', 'TUR'), ('united-arab-emirates', 'ARE'), ('united-kingdom', 'GBR'), ('united-states', 'USA')
) AS d (slug, iso3)
JOIN member_states s ON s.iso3 = d.iso3
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, name_fr = EXCLUDED.name_fr, member_state_id = EXCLUDED.member_state_id, updated_at = now();

INSERT INTO donor_organizations (slug, name, name_fr, kind) VALUES
    ('european-union', 'European Union', 'Union européenne', 'intergovernmental'),
    ('gcerf', 'Global Community Engagement and Resilience Fund', 'Fonds mondial pour l’engagement de la communauté et la résilience', 'foundation'),
    ('un-peace-development-trust-fund', 'United Nations Peace and Development Trust Fund', 'Fonds d’affectation spéciale des Nations Unies pour la paix et le développement', 'other')
ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, name_fr = EXCLUDED.name_fr, kind = EXCLUDED.kind, updated_at = now();

-- +goose Down
DELETE FROM donor_organizations;
