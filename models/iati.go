package models

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"
	"gorm.io/gorm"
)

// A donor organization's contributions as an IATI 2.03 activity file
// (https://iatistandard.org/en/iati-standard/203/), one activity per
// contribution, so aid-transparency tools can read what the portal shows.
//
// The codes below come from the IATI code lists copied into
// testdata/iati/iati-codelists (see its README); the tests check every
// code the file uses against them and the file against the 2.03 schema.

const (
	// IATIVersion is the version of the IATI Standard the file follows.
	IATIVersion = "2.03"

	// IATIPrefix starts the identifier the portal mints for a donor
	// organization without one of its own. IATI identifiers start with a
	// registration agency's code; "XM-" is the ISO 3166 user-assigned range
	// IATI itself uses for agencies without a country (XM-DAC, XM-OCHA), and
	// "CTAP" is not a registered agency: it keeps the portal's identifiers
	// apart from any registered one (e.g. XM-CTAP-norway).
	IATIPrefix = "XM-CTAP"
)

// The Office that provides the technical assistance (A/RES/70/177 asks the
// United Nations Office on Drugs and Crime to provide it) and receives the
// contributions: the reporting organisation of the file (the portal is
// its Secretariat's, and incoming transactions are the receiver's view),
// the implementing organisation of every activity and the receiver of
// every transaction. Its IATI identifier is XM-DAC- and its OECD DAC
// channel code; each activity's identifier starts with it, as the schema
// requires of the reporting organisation's, followed by the portal's
// name, the donor and the contribution (XM-DAC-41128-CTAP-norway-42).
// Identifiers must never change once published.
const (
	iatiOfficeRef    = "XM-DAC-41128"
	iatiOfficeName   = "United Nations Office on Drugs and Crime"
	iatiOfficeNameFr = "Office des Nations Unies contre la drogue et le crime"
)

// Codes from the IATI code lists.
const (
	// TransactionType. The activity is the contribution as the Office
	// receives it, so its transactions are incoming ones, from the donor
	// (provider-org) to the Office (receiver-org). Incoming Funds is 1 (12
	// is Outgoing Pledge).
	iatiIncomingFunds      = "1"
	iatiIncomingCommitment = "11"
	iatiIncomingPledge     = "13"

	// ActivityStatus.
	iatiPipeline       = "1"
	iatiImplementation = "2"
	iatiFinalisation   = "3"
	iatiCancelled      = "5"

	// ActivityDateType (2.03 codes; the list is not in the copied set, see
	// testdata/iati/README.md).
	iatiPlannedStart = "1"
	iatiActualStart  = "2"
	iatiPlannedEnd   = "3"
	iatiActualEnd    = "4"

	// OrganisationRole.
	iatiFunding      = "1"
	iatiImplementing = "4"

	// OrganisationType.
	iatiGovernment   = "10"
	iatiMultilateral = "40"
	iatiFoundation   = "60"
	iatiOtherOrg     = "90"

	// Sector: vocabulary 1 is the OECD DAC 5-digit purpose codes; 15130
	// "Legal and judicial development" covers legal drafting, law
	// enforcement and criminal justice institutions, which is what the
	// resolution's technical assistance builds. One sector, so 100 %.
	iatiSectorDAC5    = "1"
	iatiSectorLegal   = "15130"
	iatiSectorPercent = "100"

	// TagVocabulary 99 is "Reporting Organisation": the portal's own codes
	// for the resolution's themes and operative paragraphs, which no DAC
	// sector expresses. A tag, unlike a sector, carries no percentage that
	// must add up to 100, and an activity may have any number of them.
	iatiTagReporter = "99"

	// FinanceType 110 "Standard grant": a transfer in cash or in kind for
	// which the recipient incurs no debt.
	iatiStandardGrant = "110"

	// AidType (DAC vocabulary, the default). Money given to the Office's
	// counter-terrorism programme is a contribution to a UN single-agency,
	// multi-donor fund (B032) unless earmarked to a theme, paragraph,
	// State or need, which is a funding window or location (B033). In kind,
	// experts are donor country personnel (D01); training, equipment,
	// hosting, publications and the rest are other technical assistance
	// (D02).
	iatiAidPooled    = "B032"
	iatiAidEarmarked = "B033"
	iatiAidPersonnel = "D01"
	iatiAidTechnical = "D02"
)

const (
	iatiDateFormat = "2006-01-02"
	// The portal's texts are in English unless marked otherwise.
	iatiDefaultLang = "en"
	iatiFrench      = "fr"
	// The prefixes of the portal's tag codes (vocabulary 99), e.g.
	// theme:criminal_justice and paragraph:7.
	iatiThemeTag     = "theme:"
	iatiParagraphTag = "paragraph:"
)

// IATIDocument is an iati-activities file. Its fields are in the order the
// schema's sequences require.
type IATIDocument struct {
	Version           string
	GeneratedDatetime string
	// The contributions, each turned into its activity only as the file
	// is written, so a file of thousands is never held whole.
	rows      []iatiRow
	schedules map[int64][]Instalment
	build     iatiBuilder
}

// Len is the number of activities in the file.
func (d IATIDocument) Len() int { return len(d.rows) }

// IATIActivity is one contribution.
type IATIActivity struct {
	LastUpdated          string                    `xml:"last-updated-datetime,attr"`
	Lang                 string                    `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	DefaultCurrency      string                    `xml:"default-currency,attr"`
	Identifier           string                    `xml:"iati-identifier"`
	ReportingOrg         IATIOrg                   `xml:"reporting-org"`
	Title                IATIText                  `xml:"title"`
	Descriptions         []IATIText                `xml:"description"`
	ParticipatingOrgs    []IATIParticipatingOrg    `xml:"participating-org"`
	Status               IATICode                  `xml:"activity-status"`
	Dates                []IATIDate                `xml:"activity-date"`
	RecipientCountries   []IATICountry             `xml:"recipient-country"`
	Sectors              []IATISector              `xml:"sector"`
	Tags                 []IATITag                 `xml:"tag"`
	DefaultFinanceType   *IATICode                 `xml:"default-finance-type"`
	DefaultAidTypes      []IATICode                `xml:"default-aid-type"`
	PlannedDisbursements []IATIPlannedDisbursement `xml:"planned-disbursement"`
	Transactions         []IATITransaction         `xml:"transaction"`
}

// IATINarrative is a text in a language (the activity's when Lang is "").
type IATINarrative struct {
	Lang string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	Text string `xml:",chardata"`
}

// IATIText is an element made of narratives.
type IATIText struct {
	Narratives []IATINarrative `xml:"narrative"`
}

// IATIOrg is an organisation: the reporting one, a transaction's provider
// or receiver.
type IATIOrg struct {
	Ref        string          `xml:"ref,attr,omitempty"`
	Type       string          `xml:"type,attr,omitempty"`
	Narratives []IATINarrative `xml:"narrative"`
}

// IATIParticipatingOrg is an organisation in a role.
type IATIParticipatingOrg struct {
	Ref        string          `xml:"ref,attr,omitempty"`
	Type       string          `xml:"type,attr,omitempty"`
	Role       string          `xml:"role,attr"`
	Narratives []IATINarrative `xml:"narrative"`
}

// IATICode is an element whose only content is a code.
type IATICode struct {
	Code string `xml:"code,attr"`
}

// IATIDate is an activity date of a type.
type IATIDate struct {
	Type    string `xml:"type,attr"`
	ISODate string `xml:"iso-date,attr"`
}

// IATIISODate is an element whose only content is a date.
type IATIISODate struct {
	ISODate string `xml:"iso-date,attr"`
}

// IATICountry is a recipient country by ISO 3166-1 alpha-2 code.
type IATICountry struct {
	Code       string          `xml:"code,attr"`
	Percentage string          `xml:"percentage,attr,omitempty"`
	Narratives []IATINarrative `xml:"narrative"`
}

// IATISector is a sector in a vocabulary.
type IATISector struct {
	Vocabulary string `xml:"vocabulary,attr,omitempty"`
	Code       string `xml:"code,attr"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

// IATITag is a tag in a vocabulary.
type IATITag struct {
	Code       string          `xml:"code,attr"`
	Vocabulary string          `xml:"vocabulary,attr"`
	Narratives []IATINarrative `xml:"narrative"`
}

// IATIValue is an amount, written plainly as a decimal, in a currency,
// converted at the rate of a date.
type IATIValue struct {
	Currency  string `xml:"currency,attr"`
	ValueDate string `xml:"value-date,attr"`
	Amount    string `xml:",chardata"`
}

// IATIPlannedDisbursement is an instalment of a schedule not yet paid.
type IATIPlannedDisbursement struct {
	PeriodStart IATIISODate `xml:"period-start"`
	PeriodEnd   IATIISODate `xml:"period-end"`
	Value       IATIValue   `xml:"value"`
	ProviderOrg IATIOrg     `xml:"provider-org"`
	ReceiverOrg IATIOrg     `xml:"receiver-org"`
}

// IATITransaction is a pledge, a commitment or a payment.
type IATITransaction struct {
	Type        IATICode    `xml:"transaction-type"`
	Date        IATIISODate `xml:"transaction-date"`
	Value       IATIValue   `xml:"value"`
	ProviderOrg IATIOrg     `xml:"provider-org"`
	ReceiverOrg IATIOrg     `xml:"receiver-org"`
}

// WriteXML writes the document with its declaration, indented, building
// and encoding one activity at a time.
func (d IATIDocument) WriteXML(w io.Writer) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("write IATI activities: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "iati-activities"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "version"}, Value: d.Version},
		{Name: xml.Name{Local: "generated-datetime"}, Value: d.GeneratedDatetime},
	}}
	if err := enc.EncodeToken(root); err != nil {
		return fmt.Errorf("write IATI activities: %w", err)
	}
	activity := xml.StartElement{Name: xml.Name{Local: "iati-activity"}}
	for _, r := range d.rows {
		a, err := d.build.activity(r, d.schedules[r.ID])
		if err != nil {
			return fmt.Errorf("IATI activity of contribution %d: %w", r.ID, err)
		}
		if err := enc.EncodeElement(a, activity); err != nil {
			return fmt.Errorf("write IATI activity of contribution %d: %w", r.ID, err)
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return fmt.Errorf("write IATI activities: %w", err)
	}
	if err := enc.Flush(); err != nil {
		return fmt.Errorf("write IATI activities: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("write IATI activities: %w", err)
	}
	return nil
}

// XML is the document as WriteXML writes it.
func (d IATIDocument) XML() ([]byte, error) {
	var buf bytes.Buffer
	err := d.WriteXML(&buf)
	return buf.Bytes(), err
}

// IATIOrganisationRef is a donor organization's IATI identifier.
func IATIOrganisationRef(d DonorOrganization) string { return IATIPrefix + "-" + d.Slug }

// IATIActivityIdentifier is the IATI identifier of a contribution of d.
func IATIActivityIdentifier(d DonorOrganization, id int64) string {
	return iatiOfficeRef + "-CTAP-" + d.Slug + "-" + strconv.FormatInt(id, 10)
}

// iatiOrganisationType is the OrganisationType code of a donor's kind.
func iatiOrganisationType(kind string) string {
	switch kind {
	case "member_state":
		return iatiGovernment
	case "intergovernmental":
		return iatiMultilateral
	case "foundation":
		return iatiFoundation
	}
	return iatiOtherOrg
}

// iatiRow is a contribution with what the viewer may see of its need.
type iatiRow struct {
	Contribution
	NeedStateID    *int
	NeedTheme      *string
	NeedParagraphs pq.Int32Array `gorm:"type:int[]"`
}

// IATIActivities returns the contributions of donor that u (nil:
// anonymous) may see as an IATI 2.03 activity file generated at now: the
// same rule as every list (contributionsQuery), nothing else. It costs two
// statements whatever the number of contributions: the contributions with
// their needs (only the needs u may see: NeedsVisibleTo), and every
// instalment of their schedules.
//
// A cancelled contribution stays in the file with activity status 5 and no
// transaction: IATI asks publishers to mark an activity cancelled rather
// than make it disappear, and a reader who saw the pledge learns it will
// not come.
func IATIActivities(ctx context.Context, db *gorm.DB, ref *ReferenceCache, u *User, donor DonorOrganization, now time.Time) (IATIDocument, error) {
	doc := IATIDocument{Version: IATIVersion, GeneratedDatetime: now.UTC().Format(time.RFC3339)}
	f := ContributionFilter{DonorID: donor.ID}

	// The needs as u may see them, joined in: a need u may not see adds
	// nothing (the contribution's own recipient State still shows, as it
	// does on every list). The subquery is only rendered into the
	// statement, never run; a context of its own keeps that rendering out
	// of the request's statement count.
	needs := db.WithContext(context.Background()).Table("needs").Scopes(NeedsVisibleTo(u)).
		Select("needs.id, needs.member_state_id, needs.theme, needs.paragraphs")
	var rows []iatiRow
	err := contributionsQuery(ctx, db, u, f).
		Joins("LEFT JOIN (?) AS vn ON vn.id = contributions.need_id", needs).
		Select(`contributions.*, vn.member_state_id AS need_state_id, vn.theme AS need_theme,
			vn.paragraphs AS need_paragraphs`).
		Order("contributions.value_date, contributions.id").
		Scan(&rows).Error
	if err != nil {
		return doc, fmt.Errorf("IATI activities of %s: %w", donor.Slug, err)
	}
	if len(rows) == 0 {
		return doc, nil
	}

	// Every instalment of the contributions above, read through the same
	// visibility rule rather than by a list of identifiers.
	var instalments []Instalment
	err = contributionsQuery(ctx, db, u, f).
		Joins("JOIN contribution_instalments i ON i.contribution_id = contributions.id").
		Select("i.*").
		Order("i.contribution_id, i.year").
		Scan(&instalments).Error
	if err != nil {
		return doc, fmt.Errorf("IATI activities of %s: instalments: %w", donor.Slug, err)
	}
	schedules := make(map[int64][]Instalment, len(rows))
	for _, i := range instalments {
		schedules[i.ContributionID] = append(schedules[i.ContributionID], i)
	}

	paragraphThemes := map[int]string{}
	paras, err := ref.OperativeParagraphs(ctx)
	if err != nil {
		return doc, err
	}
	for _, p := range paras {
		paragraphThemes[p.Number] = p.Theme
	}

	doc.rows, doc.schedules = rows, schedules
	doc.build = iatiBuilder{ctx: ctx, ref: ref, donor: donor, now: now, paragraphThemes: paragraphThemes}
	return doc, nil
}

// iatiBuilder turns contributions into activities; it reads only the
// reference cache, never the database.
type iatiBuilder struct {
	ctx             context.Context
	ref             *ReferenceCache
	donor           DonorOrganization
	now             time.Time
	paragraphThemes map[int]string
}

func (b iatiBuilder) donorOrg() IATIOrg {
	return IATIOrg{Ref: IATIOrganisationRef(b.donor), Type: iatiOrganisationType(b.donor.Kind), Narratives: b.donorNames()}
}

func (b iatiBuilder) donorNames() []IATINarrative {
	out := []IATINarrative{{Text: b.donor.Name}}
	if b.donor.NameFr != "" && b.donor.NameFr != b.donor.Name {
		out = append(out, IATINarrative{Lang: iatiFrench, Text: b.donor.NameFr})
	}
	return out
}

func iatiOfficeOrg() IATIOrg {
	return IATIOrg{Ref: iatiOfficeRef, Type: iatiMultilateral, Narratives: []IATINarrative{
		{Text: iatiOfficeName}, {Lang: iatiFrench, Text: iatiOfficeNameFr},
	}}
}

func (b iatiBuilder) activity(r iatiRow, schedule []Instalment) (IATIActivity, error) {
	c := r.Contribution
	a := IATIActivity{
		LastUpdated:     c.UpdatedAt.UTC().Format(time.RFC3339),
		Lang:            iatiDefaultLang,
		DefaultCurrency: c.Currency,
		Identifier:      IATIActivityIdentifier(b.donor, c.ID),
		ReportingOrg:    iatiOfficeOrg(),
		Title:           IATIText{Narratives: []IATINarrative{{Lang: iatiTextLang(c.Language), Text: c.Title}}},
		Descriptions:    []IATIText{{Narratives: []IATINarrative{{Lang: b.descriptionLang(c), Text: b.description(c)}}}},
		ParticipatingOrgs: []IATIParticipatingOrg{
			{Ref: IATIOrganisationRef(b.donor), Type: iatiOrganisationType(b.donor.Kind), Role: iatiFunding, Narratives: b.donorNames()},
			{Ref: iatiOfficeRef, Type: iatiMultilateral, Role: iatiImplementing, Narratives: iatiOfficeOrg().Narratives},
		},
		Status:             IATICode{Code: iatiStatus(c.Status)},
		Sectors:            []IATISector{{Vocabulary: iatiSectorDAC5, Code: iatiSectorLegal, Percentage: iatiSectorPercent}},
		DefaultFinanceType: &IATICode{Code: iatiStandardGrant},
		DefaultAidTypes:    []IATICode{{Code: iatiAidType(c)}},
	}
	a.Dates = b.dates(c, schedule)

	country, err := b.country(r)
	if err != nil {
		return a, err
	}
	if country != nil {
		a.RecipientCountries = []IATICountry{*country}
	}
	a.Tags = b.tags(r)

	cur, found, err := b.ref.Currency(b.ctx, c.Currency)
	if err != nil {
		return a, err
	}
	amount := func(d decimal.Decimal) string {
		if found {
			return FormatAmount(d, cur)
		}
		return d.String()
	}
	value := func(d decimal.Decimal) IATIValue {
		// The value date is the contribution's: the portal converts it, and
		// every payment of it, at that month's UN rate.
		return IATIValue{Currency: c.Currency, ValueDate: c.ValueDate.Format(iatiDateFormat), Amount: amount(d)}
	}
	a.Transactions = b.transactions(c, schedule, value)
	if c.Status == ContributionPledged || c.Status == ContributionCommitted {
		for _, i := range schedule {
			if i.PaidOn != nil {
				continue
			}
			a.PlannedDisbursements = append(a.PlannedDisbursements, IATIPlannedDisbursement{
				PeriodStart: IATIISODate{time.Date(i.Year, 1, 1, 0, 0, 0, 0, time.UTC).Format(iatiDateFormat)},
				PeriodEnd:   IATIISODate{time.Date(i.Year, 12, 31, 0, 0, 0, 0, time.UTC).Format(iatiDateFormat)},
				Value:       value(i.Amount),
				ProviderOrg: b.donorOrg(),
				ReceiverOrg: iatiOfficeOrg(),
			})
		}
	}
	return a, nil
}

// description is the contribution's own, or a sentence saying what it is
// (the schema requires one); an in-kind valuation follows it.
// iatiTextLang is the xml:lang of a narrative written in tag: none when it
// is the file's default language, which the narrative then inherits.
func iatiTextLang(tag string) string {
	if tag == "" || tag == iatiDefaultLang {
		return ""
	}
	return tag
}

// descriptionLang is the language of description(c): the donor's text's
// own, or the default for the English sentence written when there is none.
func (b iatiBuilder) descriptionLang(c Contribution) string {
	if strings.TrimSpace(c.Description) == "" {
		return ""
	}
	return iatiTextLang(c.Language)
}

func (b iatiBuilder) description(c Contribution) string {
	text := strings.TrimSpace(c.Description)
	if text == "" {
		kind := "Financial"
		if c.Kind == ContributionInKind {
			kind = "In-kind"
		}
		text = fmt.Sprintf("%s contribution from %s to the technical assistance against terrorism of the %s.",
			kind, b.donor.Name, iatiOfficeName)
	}
	if v := strings.TrimSpace(c.Valuation); c.Kind == ContributionInKind && v != "" {
		text += " Valuation: " + v
	}
	return text
}

func iatiStatus(s ContributionStatus) string {
	switch s {
	case ContributionCommitted:
		return iatiImplementation
	case ContributionPaid:
		// The final payment is made; the activity stays open while the
		// Office reports on the use of the funds.
		return iatiFinalisation
	case ContributionCancelled:
		return iatiCancelled
	}
	return iatiPipeline
}

func iatiAidType(c Contribution) string {
	if c.Kind == ContributionInKind {
		if c.InKindType != nil && *c.InKindType == "experts" {
			return iatiAidPersonnel
		}
		return iatiAidTechnical
	}
	if c.Earmark != "" && c.Earmark != "none" {
		return iatiAidEarmarked
	}
	return iatiAidPooled
}

// onOrBefore is t's date, or the day of now when t is later: a pledge
// recorded with a future value date was nonetheless made by now, and IATI
// refuses actual dates and transactions in the future.
func (b iatiBuilder) onOrBefore(t time.Time) time.Time {
	today := time.Date(b.now.Year(), b.now.Month(), b.now.Day(), 0, 0, 0, 0, time.UTC)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if d.After(today) {
		return today
	}
	return d
}

func (b iatiBuilder) future(t time.Time) bool {
	today := time.Date(b.now.Year(), b.now.Month(), b.now.Day(), 0, 0, 0, 0, time.UTC)
	return t.After(today)
}

// iatiStart is when the contribution began: its pledge, else its value date.
func iatiStart(c Contribution) time.Time {
	if c.PledgedOn != nil {
		return *c.PledgedOn
	}
	return c.ValueDate
}

// dates are the activity's start (planned while only pledged or when in
// the future, actual otherwise) and, when known, its end: the last payment
// or the cancellation, or the last year of an outstanding schedule.
func (b iatiBuilder) dates(c Contribution, schedule []Instalment) []IATIDate {
	s := iatiStart(c)
	startType := iatiActualStart
	if c.Status == ContributionPledged || b.future(s) {
		startType = iatiPlannedStart
	}
	out := []IATIDate{{Type: startType, ISODate: s.Format(iatiDateFormat)}}
	var end *time.Time
	endType := iatiActualEnd
	switch c.Status {
	case ContributionPaid:
		last := *c.PaidOn
		for _, i := range schedule {
			if i.PaidOn != nil && i.PaidOn.After(last) {
				last = *i.PaidOn
			}
		}
		end = &last
	case ContributionCancelled:
		end = c.CancelledOn
	default:
		if len(schedule) > 0 {
			last := time.Date(schedule[len(schedule)-1].Year, 12, 31, 0, 0, 0, 0, time.UTC)
			end, endType = &last, iatiPlannedEnd
		}
	}
	if end != nil && !end.Before(s) && (endType == iatiPlannedEnd || !b.future(*end)) {
		out = append(out, IATIDate{Type: endType, ISODate: end.Format(iatiDateFormat)})
	}
	return out
}

// country is the recipient State: the contribution's own, else its
// need's when the viewer may see the need.
func (b iatiBuilder) country(r iatiRow) (*IATICountry, error) {
	id := r.RecipientStateID
	if id == nil {
		id = r.NeedStateID
	}
	if id == nil {
		return nil, nil
	}
	s, found, err := b.ref.MemberStateByID(b.ctx, *id)
	if err != nil || !found || s.ISO2 == "" {
		return nil, err
	}
	return &IATICountry{Code: s.ISO2, Narratives: []IATINarrative{{Text: s.Name}}}, nil
}

// tags are the themes and operative paragraphs the contribution is
// earmarked to, directly or through the need it funds.
func (b iatiBuilder) tags(r iatiRow) []IATITag {
	var out []IATITag
	seen := map[string]bool{}
	theme := func(t string) {
		if t == "" || seen[iatiThemeTag+t] {
			return
		}
		seen[iatiThemeTag+t] = true
		out = append(out, IATITag{Code: iatiThemeTag + t, Vocabulary: iatiTagReporter,
			Narratives: []IATINarrative{{Text: "Theme: " + strings.ReplaceAll(t, "_", " ")}}})
	}
	paragraph := func(n int) {
		code := iatiParagraphTag + strconv.Itoa(n)
		if seen[code] {
			return
		}
		seen[code] = true
		out = append(out, IATITag{Code: code, Vocabulary: iatiTagReporter,
			Narratives: []IATINarrative{{Text: "Operative paragraph " + strconv.Itoa(n)}}})
	}
	switch r.Earmark {
	case "theme":
		theme(deref(r.Theme))
	case "paragraph":
		if r.ParagraphNumber != nil {
			paragraph(*r.ParagraphNumber)
			theme(b.paragraphThemes[*r.ParagraphNumber])
		}
	case "need":
		for _, n := range r.NeedParagraphs {
			paragraph(int(n))
		}
		theme(deref(r.NeedTheme))
	}
	return out
}

// transactions follow the status: a pledge is an incoming pledge; a
// commitment an incoming commitment, with incoming funds for each paid
// instalment; a payment the commitment and the funds received, one per
// paid instalment and one for what the schedule does not account for; a
// cancellation nothing.
func (b iatiBuilder) transactions(c Contribution, schedule []Instalment, value func(decimal.Decimal) IATIValue) []IATITransaction {
	tx := func(code string, on time.Time, amount decimal.Decimal) IATITransaction {
		return IATITransaction{
			Type:        IATICode{Code: code},
			Date:        IATIISODate{b.onOrBefore(on).Format(iatiDateFormat)},
			Value:       value(amount),
			ProviderOrg: b.donorOrg(),
			ReceiverOrg: iatiOfficeOrg(),
		}
	}
	switch c.Status {
	case ContributionPledged:
		return []IATITransaction{tx(iatiIncomingPledge, iatiStart(c), c.Amount)}
	case ContributionCancelled:
		return nil
	}
	committedOn := iatiStart(c)
	if c.CommittedOn != nil {
		committedOn = *c.CommittedOn
	}
	out := []IATITransaction{tx(iatiIncomingCommitment, committedOn, c.Amount)}
	paid := decimal.Zero
	for _, i := range schedule {
		if i.PaidOn == nil {
			continue
		}
		out = append(out, tx(iatiIncomingFunds, *i.PaidOn, i.Amount))
		paid = paid.Add(i.Amount)
	}
	if c.Status == ContributionPaid && paid.LessThan(c.Amount) {
		out = append(out, tx(iatiIncomingFunds, *c.PaidOn, c.Amount.Sub(paid)))
	}
	return out
}
