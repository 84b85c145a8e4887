// Package i18n is CTAP's message catalogue: every user-facing string is
// looked up here by its ID, in the language the visitor chose or their
// browser prefers.
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/bojanz/currency"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var localeFiles embed.FS

// Language is one language the portal is served in.
type Language struct {
	Tag  string // BCP 47, e.g. "fr"
	Name string // the language's name in itself, e.g. "Français"
	RTL  bool
}

// catalogued lists the six official languages of the United Nations in the
// order the UN lists them (alphabetically by their English names), each
// named in itself: every one has a complete catalogue (catalogue_test.go)
// and every one is offered, in this order, in the language switcher.
// English is the fallback for a message a catalogue lacks and for a visitor
// whose browser asks for none of them.
var catalogued = []Language{
	{Tag: "ar", Name: "العربية", RTL: true},
	{Tag: "zh", Name: "中文"},
	{Tag: "en", Name: "English"},
	{Tag: "fr", Name: "Français"},
	{Tag: "ru", Name: "Русский"},
	{Tag: "es", Name: "Español"},
}

// fallback is the language of a visitor who asks for none of these.
const fallback = "en"

// Catalogue holds every language's messages. It is built once and read-only.
type Catalogue struct {
	bundle  *goi18n.Bundle
	matcher language.Matcher
	matched []string // the matcher's tags, in its order

	localizers map[string]*Localizer
	// plain holds each catalogued language's text-only messages by ID.
	plain map[string]map[string]string
}

// Load reads the embedded message files. A message without a placeholder
// or plural forms (most of them) is kept as its text, in the localizer's
// own map; only the others go into go-i18n's bundle, which keeps a
// template for each of them. The catalogue stays in memory for the
// process's life and the garbage collector scans it on every cycle: six
// languages' templates of every message made it several megabytes of
// pointers (make profile).
func Load() (*Catalogue, error) {
	bundle := goi18n.NewBundle(language.English)
	plain := map[string]map[string]string{}
	c := &Catalogue{bundle: bundle, localizers: map[string]*Localizer{}, plain: plain}
	for _, l := range catalogued {
		messages, err := readMessages(l.Tag)
		if err != nil {
			return nil, err
		}
		plain[l.Tag] = map[string]string{}
		var templated []*goi18n.Message
		for id, v := range messages {
			if text, ok := plainSource(v); ok && !strings.Contains(text, "{{") {
				plain[l.Tag][id] = text
				continue
			}
			m, err := goi18n.NewMessage(v)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: message %q: %w", l.Tag, id, err)
			}
			m.ID = id
			templated = append(templated, m)
		}
		if err := bundle.AddMessages(language.MustParse(l.Tag), templated...); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", l.Tag, err)
		}
	}
	// The matcher's first tag is its default: the fallback language.
	tags := []language.Tag{language.MustParse(fallback)}
	c.matched = []string{fallback}
	for _, l := range catalogued {
		c.localizers[l.Tag] = c.newLocalizer(l)
		if l.Tag != fallback {
			tags = append(tags, language.MustParse(l.Tag))
			c.matched = append(c.matched, l.Tag)
		}
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Languages lists the languages the portal is served in, in the UN's
// order. The slice is shared: callers must not change it.
func (c *Catalogue) Languages() []Language { return catalogued }

// Supported tells whether tag is one of the portal's languages.
func (c *Catalogue) Supported(tag string) bool {
	_, ok := c.localizers[tag]
	return ok
}

// Localizer returns the localizer for a supported tag, English otherwise.
func (c *Catalogue) Localizer(tag string) *Localizer {
	if l, ok := c.localizers[tag]; ok {
		return l
	}
	return c.localizers[fallback]
}

// Pick chooses the language: the visitor's remembered choice when it is
// supported, else the best match for their Accept-Language header.
func (c *Catalogue) Pick(choice, acceptLanguage string) *Localizer {
	if l, ok := c.localizers[choice]; ok {
		return l
	}
	if acceptLanguage != "" {
		prefs, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(prefs) > 0 {
			_, idx, conf := c.matcher.Match(prefs...)
			if conf != language.No {
				return c.localizers[c.matched[idx]]
			}
		}
	}
	return c.localizers[fallback]
}

// MessageIDs lists the IDs a language's files define (tests compare the
// catalogues).
func (c *Catalogue) MessageIDs(tag string) ([]string, error) {
	m, err := readMessages(tag)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	return ids, nil
}

// readMessages reads every file of one language: "<tag>.toml" and the
// area files "<area>.<tag>.toml" (e.g. reports.fr.toml), so that each area
// of the portal keeps its messages apart.
func readMessages(tag string) (map[string]any, error) {
	names, err := fs.Glob(localeFiles, "locales/*"+tag+".toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	all := map[string]any{}
	for _, name := range names {
		if base := path.Base(name); base != tag+".toml" && !strings.HasSuffix(base, "."+tag+".toml") {
			continue
		}
		buf, err := localeFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		var m map[string]any
		if _, err := toml.Decode(string(buf), &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		for id, v := range m {
			if _, dup := all[id]; dup {
				return nil, fmt.Errorf("i18n: %s: message %q is defined twice", name, id)
			}
			all[id] = v
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("i18n: no messages for %q", tag)
	}
	return all, nil
}

// Localizer renders messages in one language.
type Localizer struct {
	Language
	l *goi18n.Localizer
	// plain holds the messages that are text alone (most of them), so a
	// page runs no template for them; fallbackPlain is English's, for a
	// message this language lacks (the catalogue tests allow none).
	plain, fallbackPlain map[string]string
	// datePattern is "date.long" with markers for day, month and year, so
	// a table of dates costs string joins rather than template runs.
	datePattern string
	months      [13]string
	// numbers[p] writes a number with p decimals as the language does
	// (CLDR's separators and digits, through bojanz/currency); read-only
	// once built, so requests share them.
	numbers [maxPlaces + 1]*currency.Formatter
}

// maxPlaces is the most decimals a number is written with (amounts are
// stored to four).
const maxPlaces = 4

func (c *Catalogue) newLocalizer(lang Language) *Localizer {
	l := &Localizer{Language: lang, l: goi18n.NewLocalizer(c.bundle, lang.Tag, fallback), plain: c.plain[lang.Tag], fallbackPlain: c.plain[fallback]}
	for p := range l.numbers {
		f := currency.NewFormatter(currency.NewLocale(lang.Tag))
		f.CurrencyDisplay = currency.DisplayNone
		f.MinDigits, f.MaxDigits = uint8(p), uint8(p)
		l.numbers[p] = f
	}
	l.datePattern = l.Data("date.long", map[string]any{"Day": "\x00D", "Month": "\x00M", "Year": "\x00Y"})
	for m := 1; m <= 12; m++ {
		l.months[m] = l.T(fmt.Sprintf("month.%d", m))
	}
	return l
}

// plainSource is a decoded message's text when it has no plural forms:
// the string itself, or the "other" of a table (which may carry a
// description too).
func plainSource(v any) (string, bool) {
	switch m := v.(type) {
	case string:
		return m, true
	case map[string]any:
		if _, counted := m["one"]; counted {
			return "", false
		}
		s, ok := m["other"].(string)
		return s, ok
	}
	return "", false
}

// Date writes a date in the language's long form, e.g. "17 December 2015".
func (l *Localizer) Date(day, month, year int) string {
	if month < 1 || month > 12 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(l.datePattern) + 16)
	rest := l.datePattern
	for {
		i := strings.IndexByte(rest, 0)
		if i < 0 || i+1 >= len(rest) {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:i])
		switch rest[i+1] {
		case 'D':
			b.WriteString(strconv.Itoa(day))
		case 'M':
			b.WriteString(l.months[month])
		case 'Y':
			b.WriteString(strconv.Itoa(year))
		}
		rest = rest[i+2:]
	}
}

// Number writes a decimal number given in its plain form ("-1234567.50",
// already rounded to the decimals it shows) as the language writes
// numbers: "1,234,567.50" in English, "1 234 567,50" in French,
// "1.234.567,50" in Spanish; Arabic's starts with a right-to-left mark so
// its sign stays on the right side. A malformed number comes back as given.
func (l *Localizer) Number(plain string) string {
	places := 0
	if _, frac, ok := strings.Cut(plain, "."); ok {
		places = len(frac)
	}
	if places > maxPlaces {
		places = maxPlaces
	}
	a, err := currency.NewAmount(plain, "USD") // the currency is not shown
	if err != nil {
		return plain
	}
	return l.numbers[places].Format(a)
}

// Dir is the text direction for the html dir attribute.
func (l *Localizer) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// T returns the message with the given ID; a missing message shows its ID,
// which the catalogue tests catch.
func (l *Localizer) T(id string) string { return l.Data(id, nil) }

// Data renders a message with template data, e.g. {{.Name}}.
func (l *Localizer) Data(id string, data map[string]any) string {
	if s, ok := l.plain[id]; ok {
		return s
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err == nil {
		return s
	}
	if s, ok := l.fallbackPlain[id]; ok {
		return s
	}
	return id
}

// Plural renders a message whose form depends on count; the template data
// gets Count too.
func (l *Localizer) Plural(id string, count int, data map[string]any) string {
	d := map[string]any{"Count": count}
	for k, v := range data {
		d[k] = v
	}
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: d})
	if err != nil {
		return id
	}
	return s
}
