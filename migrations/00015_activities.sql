-- Technical assistance the Office delivers (operative paragraphs 4 to 14):
-- activities with the States that benefited, the partners, the needs they
-- answer, the contributions that paid for them, their results (participants
-- by sex and by profession, documents, outcomes) and the beneficiary
-- States' confirmation and feedback.

-- +goose Up
CREATE TABLE partner_organizations (
    id          serial PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    -- {"en": "...", "fr": "..."}: English required.
    name        jsonb NOT NULL CHECK (jsonb_typeof(name) = 'object' AND coalesce(name ->> 'en', '') <> ''),
    kind        text NOT NULL CHECK (kind IN ('cted', 'unoct', 'interpol', 'un_entity', 'regional', 'other')),
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO partner_organizations (slug, name, kind) VALUES
    ('cted', '{"en": "Counter-Terrorism Committee Executive Directorate", "fr": "Direction exécutive du Comité contre le terrorisme"}', 'cted'),
    ('unoct', '{"en": "United Nations Office of Counter-Terrorism", "fr": "Bureau de lutte contre le terrorisme de l’Organisation des Nations Unies"}', 'unoct'),
    ('interpol', '{"en": "INTERPOL", "fr": "INTERPOL"}', 'interpol'),
    ('unodc-global-programme', '{"en": "UNODC Global Programme on Strengthening the Legal Regime against Terrorism", "fr": "Programme mondial de l’ONUDC pour le renforcement du régime juridique contre le terrorisme"}', 'un_entity'),
    ('unicri', '{"en": "United Nations Interregional Crime and Justice Research Institute", "fr": "Institut interrégional de recherche des Nations Unies sur la criminalité et la justice"}', 'un_entity'),
    ('african-union', '{"en": "African Union", "fr": "Union africaine"}', 'regional'),
    ('igad', '{"en": "Intergovernmental Authority on Development", "fr": "Autorité intergouvernementale pour le développement"}', 'regional'),
    ('ecowas', '{"en": "Economic Community of West African States", "fr": "Communauté économique des États de l’Afrique de l’Ouest"}', 'regional'),
    ('osce', '{"en": "Organization for Security and Co-operation in Europe", "fr": "Organisation pour la sécurité et la coopération en Europe"}', 'regional'),
    ('asean', '{"en": "Association of Southeast Asian Nations", "fr": "Association des nations de l’Asie du Sud-Est"}', 'regional'),
    ('oas-cicte', '{"en": "Inter-American Committee against Terrorism (OAS)", "fr": "Comité interaméricain contre le terrorisme (OEA)"}', 'regional'),
    ('league-of-arab-states', '{"en": "League of Arab States", "fr": "Ligue des États arabes"}', 'regional');

CREATE TABLE activities (
    id                    bigserial PRIMARY KEY,
    kind                  text NOT NULL CHECK (kind IN ('legislative_assistance', 'national_workshop', 'regional_workshop',
                              'training_course', 'training_of_trainers', 'mentoring', 'expert_advice', 'study_visit',
                              'tool_publication', 'elearning')),
    title                 text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description           text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
    start_date            date NOT NULL,
    end_date              date NOT NULL,
    online                boolean NOT NULL DEFAULT false,
    city                  text NOT NULL DEFAULT '' CHECK (char_length(city) <= 100),
    -- Where it took place; NULL when online or outside the Member States.
    place_state_id        int REFERENCES member_states (id),
    paragraphs            int[] NOT NULL DEFAULT '{}',
    themes                text[] NOT NULL DEFAULT '{}',
    status                text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'delivered', 'cancelled')),
    delivered_on          date,
    cancelled_on          date,
    public                boolean NOT NULL DEFAULT false,
    -- Results of a delivered activity: participants by sex and, separately,
    -- by profession; both add up to the same number.
    women                 int NOT NULL DEFAULT 0 CHECK (women >= 0),
    men                   int NOT NULL DEFAULT 0 CHECK (men >= 0),
    sex_not_stated        int NOT NULL DEFAULT 0 CHECK (sex_not_stated >= 0),
    prosecutors           int NOT NULL DEFAULT 0 CHECK (prosecutors >= 0),
    judges                int NOT NULL DEFAULT 0 CHECK (judges >= 0),
    police                int NOT NULL DEFAULT 0 CHECK (police >= 0),
    legislators           int NOT NULL DEFAULT 0 CHECK (legislators >= 0),
    central_authority     int NOT NULL DEFAULT 0 CHECK (central_authority >= 0),
    financial_intelligence int NOT NULL DEFAULT 0 CHECK (financial_intelligence >= 0),
    other_profession      int NOT NULL DEFAULT 0 CHECK (other_profession >= 0),
    version               int NOT NULL DEFAULT 1,
    created_by            bigint REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    import_key            text UNIQUE,
    CHECK (end_date >= start_date),
    CHECK (women + men + sex_not_stated = prosecutors + judges + police + legislators + central_authority
        + financial_intelligence + other_profession),
    CHECK (status = 'delivered' OR women + men + sex_not_stated = 0),
    CHECK ((status = 'delivered') = (delivered_on IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_on IS NOT NULL))
);

CREATE INDEX activities_start_idx ON activities (start_date DESC, id DESC);
CREATE INDEX activities_updated_idx ON activities (updated_at DESC, id DESC);
CREATE INDEX activities_status_idx ON activities (status, start_date DESC, id DESC);
CREATE INDEX activities_public_idx ON activities (start_date DESC, id DESC) WHERE public AND status = 'delivered';
CREATE INDEX activities_paragraphs_idx ON activities USING gin (paragraphs);

-- The States an activity serves, with their confirmation and feedback.
CREATE TABLE activity_states (
    activity_id      bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    member_state_id  int NOT NULL REFERENCES member_states (id),
    confirmed_at     timestamptz,
    confirmed_by     bigint REFERENCES users (id),
    rating           smallint CHECK (rating BETWEEN 1 AND 5),
    feedback         text NOT NULL DEFAULT '' CHECK (char_length(feedback) <= 5000),
    version          int NOT NULL DEFAULT 1,
    PRIMARY KEY (activity_id, member_state_id)
);
CREATE INDEX activity_states_state_idx ON activity_states (member_state_id, activity_id);

CREATE TABLE activity_partners (
    activity_id  bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    partner_id   int NOT NULL REFERENCES partner_organizations (id),
    PRIMARY KEY (activity_id, partner_id)
);
CREATE INDEX activity_partners_partner_idx ON activity_partners (partner_id, activity_id);

CREATE TABLE activity_needs (
    activity_id  bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    need_id      bigint NOT NULL REFERENCES needs (id),
    PRIMARY KEY (activity_id, need_id)
);
CREATE INDEX activity_needs_need_idx ON activity_needs (need_id, activity_id);

-- What paid for an activity: an amount drawn from a contribution, in the
-- contribution's currency. The draws on one contribution never exceed its
-- amount (checked under the contribution's row lock).
CREATE TABLE activity_funding (
    activity_id      bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    contribution_id  bigint NOT NULL REFERENCES contributions (id),
    amount           numeric(19, 4) NOT NULL CHECK (amount > 0),
    PRIMARY KEY (activity_id, contribution_id)
);
CREATE INDEX activity_funding_contribution_idx ON activity_funding (contribution_id, activity_id);

CREATE TABLE activity_documents (
    id           bigserial PRIMARY KEY,
    activity_id  bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('draft_law', 'manual', 'report', 'curriculum', 'other')),
    title        text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    url          text NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 2000)
);
CREATE INDEX activity_documents_activity_idx ON activity_documents (activity_id);

-- Later outcomes a State recorded that the activity led to: a treaty action
-- or the evidence of a progress report.
CREATE TABLE activity_outcomes (
    id                  bigserial PRIMARY KEY,
    activity_id         bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    treaty_action_id    bigint REFERENCES treaty_actions (id) ON DELETE CASCADE,
    progress_report_id  bigint REFERENCES progress_reports (id) ON DELETE CASCADE,
    note                text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    CHECK ((treaty_action_id IS NULL) <> (progress_report_id IS NULL))
);
CREATE INDEX activity_outcomes_activity_idx ON activity_outcomes (activity_id);

-- The activities the Secretariat cites when it marks a need met.
CREATE TABLE need_met_by (
    need_id      bigint NOT NULL REFERENCES needs (id),
    activity_id  bigint NOT NULL REFERENCES activities (id),
    PRIMARY KEY (need_id, activity_id)
);

-- +goose Down
DROP TABLE need_met_by;
DROP TABLE activity_outcomes;
DROP TABLE activity_documents;
DROP TABLE activity_funding;
DROP TABLE activity_needs;
DROP TABLE activity_partners;
DROP TABLE activity_states;
DROP TABLE activities;
DROP TABLE partner_organizations;
