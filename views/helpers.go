// Package views holds CTAP's pages as templ components: a layout, shared
// widgets, and a page per screen. Views read the language, the CSRF token
// and the signed-in user from the request context; they never touch the
// database.
package views

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"ctap/assets"
	"ctap/models"
	"ctap/web/i18n"
	"ctap/web/reqctx"
)

// loc returns the request's localizer, English outside a request (tests
// rendering a component alone).
func loc(ctx context.Context) *i18n.Localizer {
	if l := reqctx.Localizer(ctx); l != nil {
		return l
	}
	return fallback
}

var fallback = mustCatalogue().Localizer("en")

func mustCatalogue() *i18n.Catalogue {
	c, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return c
}

// t translates a message ID.
func t(ctx context.Context, id string) string { return loc(ctx).T(id) }

// tf translates a message with template data given as name, value pairs.
func tf(ctx context.Context, id string, kv ...any) string {
	data := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return loc(ctx).Data(id, data)
}

// tn translates a message whose form depends on a count.
func tn(ctx context.Context, id string, n int) string { return loc(ctx).Plural(id, n, nil) }

func lang(ctx context.Context) string { return loc(ctx).Tag }
func dir(ctx context.Context) string  { return loc(ctx).Dir() }

func asset(name string) string { return assets.URL(name) }

// formatDate writes a date the way the language does: "17 December 2015".
func formatDate(ctx context.Context, d time.Time) string {
	if d.IsZero() {
		return ""
	}
	return loc(ctx).Date(d.Day(), int(d.Month()), d.Year())
}

// isoDate is the machine-readable form for <time datetime>.
func isoDate(d time.Time) string { return d.Format("2006-01-02") }

func itoa(n int) string { return strconv.Itoa(n) }

// currentPath is the page's own path and query, for links back to it.
func currentPath(ctx context.Context) string {
	if p := reqctx.Path(ctx); p != "" {
		return p
	}
	return "/"
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// signInHref starts sign-in, coming back to next afterwards.
func signInHref(next string) string {
	if next == "" || next == "/" {
		return "/auth/login"
	}
	return "/auth/login?next=" + url.QueryEscape(next)
}

// roleLabel names the user's role in the page's language.
func roleLabel(ctx context.Context, u *models.User) string {
	if u == nil || u.Role == nil {
		return t(ctx, "role.pending")
	}
	return t(ctx, "role."+string(*u.Role))
}

// scopeLabel names the State or organization a role is bound to.
func scopeLabel(ctx context.Context, s *models.MemberState, d *models.DonorOrganization) string {
	switch {
	case s != nil:
		return s.LocalName(lang(ctx))
	case d != nil:
		return d.LocalName(lang(ctx))
	}
	return ""
}

// formatDateTime is a date with the time in UTC.
func formatDateTime(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(ctx, t.UTC()) + " " + ltrIsolate(ctx, t.UTC().Format("15:04")+" UTC")
}

// Unicode's isolates (UAX #9): text between LRI and PDI is laid out left
// to right on its own, whatever surrounds it: the plain-text <bdi dir=ltr>,
// for figures written into sentences, table cells and attributes alike.
const (
	lri = "\u2066"
	pdi = "\u2069"
	rlm = "\u200f"
	lrm = "\u200e"
)

// ltrIsolate keeps s (a figure with its Latin code, a time with "UTC")
// left to right inside right-to-left text, so that "1,234.50 USD" is not
// shown "USD 1,234.50"; in a left-to-right language it is s unchanged.
// CLDR's right-to-left mark before an Arabic number is dropped inside the
// isolate, where it would put the minus sign after the digits (ltrFigure).
func ltrIsolate(ctx context.Context, s string) string {
	if !loc(ctx).RTL {
		return s
	}
	return lri + ltrFigure(s) + pdi
}

// formatDecimal writes d rounded half to even to places decimals, grouped
// and marked as the page's language writes numbers (CLDR's, through
// i18n.Localizer.Number): "1,234,567.50" in English, "1 234 567,50" in
// French.
func formatDecimal(ctx context.Context, d decimal.Decimal, places int32) string {
	return loc(ctx).Number(d.StringFixedBank(places))
}

// exactPlaces is how many decimals, from min to max, show d without
// losing a digit: an amount stored to four decimals shows two unless it
// has a third or fourth.
func exactPlaces(d decimal.Decimal, min, max int32) int32 {
	for p := min; p < max; p++ {
		if d.Equal(d.Round(p)) {
			return p
		}
	}
	return max
}

// formatMoney writes an amount and its currency code, grouped as the
// page's language writes numbers; the one way every page writes money.
func formatMoney(ctx context.Context, d decimal.Decimal, currency string) string {
	return ltrIsolate(ctx, formatDecimal(ctx, d, exactPlaces(d, 2, 4))+"\u00a0"+currency)
}

// ltrFigure is a figure as the language writes it, for an element that is
// itself isolated left to right (<bdi dir="ltr">): CLDR's direction marks
// before an Arabic number (a right-to-left mark, and a left-to-right one
// in its minus sign) are dropped there, where they have nothing to do.
func ltrFigure(s string) string { return strings.TrimLeft(s, rlm+lrm) }

// formatUSD writes a US-dollar figure to the cent, without its currency
// (the column or sentence names it).
func formatUSD(ctx context.Context, d decimal.Decimal) string { return formatDecimal(ctx, d, 2) }

// instrumentShort is an instrument's short name in the page's language.
func instrumentShort(ctx context.Context, in models.Instrument) string {
	return t(ctx, "instrument."+in.Code+".short")
}

// instrumentTitle is an instrument's full title in the page's language.
func instrumentTitle(ctx context.Context, in models.Instrument) string {
	return t(ctx, "instrument."+in.Code+".title")
}
