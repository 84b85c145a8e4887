-- +goose Up
-- Voluntary contributions under operative paragraph 15 of A/RES/70/177:
-- financial (pledged, committed, paid or cancelled) and in kind, each from
-- one donor organization, unearmarked or earmarked to a theme, an operative
-- paragraph, a recipient State or one need; and the UN operational rates of
-- exchange that turn them into US dollars.

-- Half-to-even rounding, as the Secretariat rounds money; PostgreSQL's
-- round(numeric) rounds half away from zero. One expression without FROM,
-- so PostgreSQL inlines it into the queries that sum many rows.
-- +goose StatementBegin
CREATE FUNCTION round_half_even(v numeric, places int) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN abs(v * power(10::numeric, places) - trunc(v * power(10::numeric, places))) = 0.5
            THEN round((trunc(v * power(10::numeric, places))
                + CASE WHEN trunc(v * power(10::numeric, places)) % 2 = 0 THEN 0 ELSE sign(v) END)
                / power(10::numeric, places), places)
        ELSE round(v, places)
    END
$$;
-- +goose StatementEnd

-- The UN operational rate of exchange of one currency for one month: how
-- many units of the currency one US dollar buys. The US dollar itself
-- needs no row.
CREATE TABLE exchange_rates (
    currency      char(3) NOT NULL REFERENCES currencies (code) CHECK (currency <> 'USD'),
    month         date    NOT NULL CHECK (month = date_trunc('month', month)::date),
    units_per_usd numeric(20, 8) NOT NULL CHECK (units_per_usd > 0),
    version       int     NOT NULL DEFAULT 1,
    updated_by    text    NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (currency, month)
);
CREATE INDEX exchange_rates_month_idx ON exchange_rates (month DESC, currency);

CREATE TABLE contributions (
    id                    bigserial PRIMARY KEY,
    donor_organization_id int  NOT NULL REFERENCES donor_organizations (id),
    kind                  text NOT NULL CHECK (kind IN ('financial', 'in_kind')),
    title                 text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    description           text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
    -- The amount (financial) or estimated value (in kind), a decimal in the
    -- currency's own units, rounded half to even to its minor units.
    amount                numeric(19, 4) NOT NULL CHECK (amount > 0 AND amount < 1e15),
    currency              char(3) NOT NULL REFERENCES currencies (code),
    -- The date whose month's rate gives the US-dollar equivalent.
    value_date            date NOT NULL,
    status                text NOT NULL CHECK (status IN ('pledged', 'committed', 'paid', 'cancelled')),
    pledged_on            date,
    committed_on          date,
    paid_on               date,
    cancelled_on          date,
    -- In kind: what it is and how its value was estimated.
    in_kind_type          text CHECK (in_kind_type IN ('experts', 'training', 'equipment', 'hosting', 'publications', 'other')),
    valuation             text NOT NULL DEFAULT '' CHECK (char_length(valuation) <= 1000),
    -- Earmarking: none, or to one theme, paragraph, recipient State or need.
    earmark               text NOT NULL DEFAULT 'none' CHECK (earmark IN ('none', 'theme', 'paragraph', 'state', 'need')),
    theme                 text,
    paragraph_number      int CHECK (paragraph_number BETWEEN 1 AND 999),
    recipient_state_id    int REFERENCES member_states (id),
    need_id               bigint REFERENCES needs (id),
    reported_by           text NOT NULL CHECK (reported_by IN ('donor', 'recipient', 'secretariat')),
    verified              boolean NOT NULL DEFAULT false,
    verified_at           timestamptz,
    public                boolean NOT NULL DEFAULT false,
    version               int  NOT NULL DEFAULT 1,
    created_by            bigint REFERENCES users (id),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- An import's key: a re-import of the same file changes nothing.
    import_key            text UNIQUE,
    CHECK ((kind = 'in_kind') = (in_kind_type IS NOT NULL)),
    CHECK (earmark <> 'theme' OR theme IS NOT NULL),
    CHECK (earmark <> 'paragraph' OR paragraph_number IS NOT NULL),
    CHECK (earmark <> 'state' OR recipient_state_id IS NOT NULL),
    CHECK (earmark <> 'need' OR need_id IS NOT NULL),
    CHECK (status <> 'paid' OR paid_on IS NOT NULL),
    CHECK (status <> 'cancelled' OR cancelled_on IS NOT NULL)
);
-- The lists' filters and orders, the donor pages, a need's funding.
CREATE INDEX contributions_updated_idx ON contributions (updated_at DESC, id DESC);
CREATE INDEX contributions_donor_idx ON contributions (donor_organization_id, value_date DESC, id DESC);
CREATE INDEX contributions_recipient_idx ON contributions (recipient_state_id, value_date DESC, id DESC) WHERE recipient_state_id IS NOT NULL;
CREATE INDEX contributions_need_idx ON contributions (need_id) WHERE need_id IS NOT NULL;
CREATE INDEX contributions_status_idx ON contributions (status, value_date DESC, id DESC);
CREATE INDEX contributions_value_date_idx ON contributions (value_date DESC, id DESC);
CREATE INDEX contributions_public_idx ON contributions (donor_organization_id, value_date DESC, id DESC) WHERE public;
CREATE INDEX contributions_unverified_idx ON contributions (created_at, id) WHERE NOT verified AND status <> 'cancelled';

-- A multi-year pledge's schedule: one instalment a year, each paid on its
-- own date. The instalments add up to the contribution's amount.
CREATE TABLE contribution_instalments (
    id              bigserial PRIMARY KEY,
    contribution_id bigint NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    year            int    NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    amount          numeric(19, 4) NOT NULL CHECK (amount > 0 AND amount < 1e15),
    paid_on         date,
    version         int    NOT NULL DEFAULT 1,
    UNIQUE (contribution_id, year)
);

-- +goose Down
DROP TABLE contribution_instalments;
DROP TABLE contributions;
DROP TABLE exchange_rates;
DROP FUNCTION round_half_even(numeric, int);
