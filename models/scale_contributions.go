package models

import (
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"
)

// The scale data of the contributions, labelled "Synthetic contribution N":
// one set-based statement adds n × contributionsPerScaleUnit
// contributions (and the instalment schedules of some), over every donor
// organization, status, kind, in-kind type, currency, earmark and
// reporter, dated from 2016 to today, about half public; a second adds the
// operational rates of every currency and month they use that has none
// (demoRate's), leaving alone the months the demo leaves without a rate on
// purpose.

// contributionsPerScaleUnit is how many contributions one unit of scale
// adds.
const contributionsPerScaleUnit = 10000

// scaleContributionCurrencies are the currencies of the synthetic
// contributions, the US dollar most often; each has demoRate's rates.
func scaleContributionCurrencies() []string {
	return []string{"USD", "EUR", "USD", "GBP", "USD", "EUR", "NOK", "USD", "JPY", "EUR",
		"USD", "CHF", "SEK", "GBP", "USD", "CAD", "DKK", "AUD"}
}

// scaleRateKeeper is who the synthetic rates are recorded as kept by.
const scaleRateKeeper = "Synthetic administrator"

// seedScaleContributions adds n units of synthetic contributions and the
// rates they need, in the caller's transaction.
func seedScaleContributions(tx *gorm.DB, n int) (ContributionSeedCounts, error) {
	var c ContributionSeedCounts
	pick := scaleContributionCurrencies()
	// Each currency's amounts are drawn in US dollars and turned into its
	// units at about its rate, so that they stay of the same order.
	var codes, factors pq.StringArray
	for _, code := range pick {
		if slices.Contains(codes, code) {
			continue
		}
		factor := "1"
		if code != "USD" {
			r, ok := demoRate(code, time.Date(2020, time.January, 1, 0, 0, 0, 0, time.UTC))
			if !ok {
				return c, fmt.Errorf("no synthetic rate for %s", code)
			}
			factor = r.String()
		}
		codes, factors = append(codes, code), append(factors, factor)
	}
	var start int64
	if err := tx.Raw("SELECT coalesce(max(id), 0) FROM contributions").Scan(&start).Error; err != nil {
		return c, err
	}
	// The planner overestimates the statement's rows a hundredfold and
	// would spend seconds compiling it; it runs faster interpreted.
	if err := tx.Exec("SET LOCAL jit = off").Error; err != nil {
		return c, err
	}
	err := tx.Raw(`
		WITH donors AS (
			SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM donor_organizations
		), recipients AS (
			-- The States that receive assistance: not the donors.
			SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM member_states
			WHERE id NOT IN (SELECT member_state_id FROM donor_organizations WHERE member_state_id IS NOT NULL)
		), shared AS (
			-- The needs a donor may see and fund.
			SELECT id, member_state_id, (row_number() OVER (ORDER BY id) - 1)::int AS i FROM needs
			WHERE visibility IN ('donors', 'public') AND status IN ('accepted', 'in_delivery', 'met')
		), sizes AS (
			SELECT (SELECT count(*) FROM donors)::int AS donors,
				(SELECT count(*) FROM recipients)::int AS recipients,
				(SELECT count(*) FROM shared)::int AS needs,
				(SELECT coalesce(array_agg(number ORDER BY number), ARRAY[]::int[]) FROM paragraphs WHERE kind = 'operative'
					AND resolution_id = (SELECT id FROM resolutions ORDER BY adopted_on DESC, id DESC LIMIT 1)) AS paragraphs,
				current_date - DATE '2016-01-01' + 1 AS days
		), money AS (
			SELECT m.code, m.factor, coalesce(c.minor_units, 2) AS minor
			FROM unnest(CAST(@codes AS text[]), CAST(@factors AS numeric[])) AS m (code, factor)
			JOIN currencies c ON c.code = m.code
		), src AS (
			SELECT g, z.paragraphs,
				CASE WHEN g % 5 = 0 THEN 'in_kind' ELSE 'financial' END AS kind,
				(ARRAY['paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'paid', 'committed', 'committed',
					'committed', 'committed', 'committed', 'pledged', 'pledged', 'pledged', 'pledged', 'cancelled', 'cancelled'])[1 + (g / 3) % 20] AS status,
				DATE '2016-01-01' + ((g * 7919 + @start) % z.days)::int AS value_date,
				(CAST(@pick AS text[]))[1 + (g / 7) % @pickCount ] AS currency,
				-- The earmark: none, theme, paragraph, State or need, in
				-- tenths; none when there is nothing to earmark to.
				CASE WHEN (g / 11) % 10 IN (3, 4) THEN 'theme'
					WHEN (g / 11) % 10 = 5 AND cardinality(z.paragraphs) > 0 THEN 'paragraph'
					WHEN (g / 11) % 10 IN (6, 7) AND z.recipients > 0 THEN 'state'
					WHEN (g / 11) % 10 IN (8, 9) AND z.needs > 0 THEN 'need'
					ELSE 'none' END AS earmark,
				(@start + g * 13) % z.donors AS donor_i,
				(g / 17) % greatest(z.recipients, 1) AS recipient_i,
				(g * 31) % greatest(z.needs, 1) AS need_i
			FROM generate_series(CAST(1 AS bigint), CAST(@count AS bigint)) AS g CROSS JOIN sizes z
		), planned AS (
			-- Joins on the positions computed above: equalities, which
			-- the planner hashes or merges.
			SELECT src.*, d.id AS donor_id, m.factor, m.minor,
				CASE src.earmark WHEN 'state' THEN r.id WHEN 'need' THEN n.member_state_id END AS recipient_id,
				CASE WHEN src.earmark = 'need' THEN n.id END AS need_id,
				CASE WHEN status = 'committed' OR (status = 'paid' AND g % 3 <> 0) OR (status = 'cancelled' AND g % 2 = 0)
					THEN least(value_date + CAST(7 + g % 60 AS int), current_date) END AS committed_on,
				CASE WHEN status = 'paid' THEN least(value_date + CAST(70 + g % 120 AS int), current_date) END AS paid_on,
				CASE WHEN status = 'cancelled' THEN least(value_date + CAST(70 + g % 200 AS int), current_date) END AS cancelled_on,
				status IN ('committed', 'paid') AND g % 3 <> 1 AS verified
			FROM src
			JOIN donors d ON d.i = src.donor_i
			JOIN money m ON m.code = src.currency
			LEFT JOIN recipients r ON r.i = src.recipient_i
			LEFT JOIN shared n ON n.i = src.need_i
		), dated AS (
			SELECT planned.*,
				CASE WHEN verified THEN least(coalesce(paid_on, committed_on) + interval '7 days 11 hours', now()) END AS verified_at
			FROM planned
		), ins AS (
			INSERT INTO contributions (donor_organization_id, kind, title, description, amount, currency, value_date, status,
				pledged_on, committed_on, paid_on, cancelled_on, in_kind_type, valuation, earmark, theme, paragraph_number,
				recipient_state_id, need_id, reported_by, verified, verified_at, public, version, created_at, updated_at)
			SELECT donor_id, kind, 'Synthetic contribution ' || (@start + g), 'Synthetic contribution for scale testing.',
				round(((CASE WHEN kind = 'in_kind' THEN 1000 + (g * 7907) % 199000 ELSE 5000 + (g * 104729) % 1995000 END)
					+ (g % 100) / 100.0) * factor, minor),
				currency, value_date, status,
				value_date, committed_on, paid_on, cancelled_on,
				CASE WHEN kind = 'in_kind' THEN (CAST(@inKindTypes AS text[]))[1 + (g / 5) % @inKindCount ] END,
				CASE WHEN kind = 'in_kind' THEN 'Synthetic valuation: estimated at cost.' ELSE '' END,
				earmark,
				CASE WHEN earmark = 'theme' THEN (CAST(@themes AS text[]))[1 + g % @themeCount ] END,
				CASE WHEN earmark = 'paragraph' THEN paragraphs[1 + g % cardinality(paragraphs)] END,
				recipient_id, need_id,
				CASE WHEN recipient_id IS NOT NULL AND g % 7 = 0 THEN 'recipient' WHEN g % 4 = 1 THEN 'secretariat' ELSE 'donor' END,
				verified, verified_at,
				(g + g / 10) % 2 = 0,
				1 + (committed_on IS NOT NULL)::int + (paid_on IS NOT NULL)::int + (cancelled_on IS NOT NULL)::int + verified::int,
				least(value_date + interval '9 hours', now()),
				greatest(least(greatest(value_date, committed_on, paid_on, cancelled_on) + interval '15 hours', now()), verified_at)
			FROM dated
			RETURNING id, kind, status, amount, currency, value_date, committed_on, donor_organization_id
		), parts AS (
			-- A multi-year schedule for some commitments: three yearly
			-- instalments adding up to the amount, the first paid.
			INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on)
			SELECT ins.id, extract(year FROM ins.value_date)::int + k,
				CASE WHEN k < 2 THEN trunc(ins.amount / 3, m.minor) ELSE ins.amount - 2 * trunc(ins.amount / 3, m.minor) END,
				CASE WHEN k = 0 THEN ins.committed_on END
			FROM ins JOIN money m ON m.code = ins.currency CROSS JOIN generate_series(0, 2) AS k
			WHERE ins.kind = 'financial' AND ins.status = 'committed' AND ins.id % 4 = 1
			RETURNING 1
		)
		SELECT (SELECT count(*) FROM ins) AS contributions, (SELECT count(*) FROM parts) AS instalments,
			(SELECT count(DISTINCT donor_organization_id) FROM ins) AS donors, (SELECT count(DISTINCT currency) FROM ins) AS currencies`,
		map[string]any{
			"codes": codes, "factors": factors, "pick": pq.StringArray(pick), "pickCount": len(pick),
			"inKindTypes": pq.StringArray(InKindTypes), "inKindCount": len(InKindTypes),
			"themes": pq.StringArray(NeedThemes()), "themeCount": len(NeedThemes()),
			"count": contributionsPerScaleUnit * n, "start": start,
		}).Scan(&c).Error
	if err != nil {
		return c, err
	}

	// The rates of every currency and month the contributions use, where
	// none is kept, except the months the demo contributions use without
	// one: the demo's "rate missing" stays missing.
	currencies := make([]string, 0, len(demoRateYears))
	for code := range demoRateYears {
		currencies = append(currencies, code)
	}
	slices.Sort(currencies)
	cur, month, rate := demoRateRows(currencies, time.Date(2016, time.January, 1, 0, 0, 0, 0, time.UTC), Today(), false)
	res := tx.Exec(`
		WITH used AS (
			SELECT DISTINCT currency::text AS currency, date_trunc('month', value_date)::date AS month
			FROM contributions WHERE currency <> 'USD'
		), demo AS (
			SELECT DISTINCT currency::text AS currency, date_trunc('month', value_date)::date AS month
			FROM contributions WHERE title LIKE ?
		)
		INSERT INTO exchange_rates (currency, month, units_per_usd, updated_by)
		SELECT v.c, v.m, v.r, ? FROM unnest(?::text[], ?::date[], ?::numeric[]) AS v (c, m, r)
		JOIN used u ON u.currency = v.c AND u.month = v.m
		WHERE NOT EXISTS (SELECT 1 FROM demo d WHERE d.currency = v.c AND d.month = v.m)
		ON CONFLICT (currency, month) DO NOTHING`, "%"+demoSuffix, scaleRateKeeper, cur, month, rate)
	if res.Error != nil {
		return c, fmt.Errorf("exchange rates: %w", res.Error)
	}
	c.Rates = res.RowsAffected
	return c, nil
}
