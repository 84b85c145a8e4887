package models_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ctap/models"
	"ctap/models/dbtest"
)

// The IATI 2.03 schema and code lists, copied into the project (see
// testdata/iati/README.md).
const (
	iatiSchema    = "../testdata/iati/iati-2.03/iati-activities-schema.xsd"
	iatiCodelists = "../testdata/iati/iati-codelists"
)

const noXmllint = "the IATI schema tests need xmllint: run scripts/xmllint.sh (as root on Debian it installs libxml2-utils) " +
	"or install libxml2-utils yourself, and set CTAP_XMLLINT to its path (make test does)"

// xmllintPath is CTAP_XMLLINT when set, else xmllint on PATH; without one
// the test fails, as the browser tests do without Chromium: a check that
// skips itself silently is no check.
func xmllintPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CTAP_XMLLINT"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("CTAP_XMLLINT=%s: %v; %s", p, err, noXmllint)
		}
		return found
	}
	found, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal(noXmllint)
	}
	return found
}

// errSchemaInvalid is xmllint's verdict that a document does not follow
// the schema (its exit status 3), as opposed to a failure to check at all.
var errSchemaInvalid = errors.New("the document does not follow the IATI 2.03 schema")

// validateIATI checks doc against the 2.03 activities schema with xmllint,
// offline (the schema's imports are local files).
func validateIATI(t *testing.T, doc []byte) error {
	t.Helper()
	file := filepath.Join(t.TempDir(), "activities.xml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllintPath(t), "--noout", "--nonet", "--schema", iatiSchema, file).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit) && exit.ExitCode() == 3:
		return fmt.Errorf("%w:\n%s", errSchemaInvalid, out)
	}
	t.Fatalf("xmllint could not check the document: %v\n%s", err, out)
	return nil
}

// codeList reads an IATI code list: each code with its status ("" when the
// list gives none).
func codeList(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(iatiCodelists, name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Items []struct {
			Code   string `xml:"code"`
			Status string `xml:"status,attr"`
		} `xml:"codelist-items>codelist-item"`
	}
	if err := xml.Unmarshal(b, &list); err != nil {
		t.Fatalf("code list %s: %v", name, err)
	}
	out := make(map[string]string, len(list.Items))
	for _, it := range list.Items {
		out[strings.TrimSpace(it.Code)] = it.Status
	}
	if len(out) == 0 {
		t.Fatalf("code list %s has no codes", name)
	}
	return out
}

// node is an element of a parsed document, read independently of the
// structs that wrote it.
type node struct {
	Name  string
	Attrs map[string]string
	Text  string
	Kids  []*node
}

func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the document is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{Name: tok.Name.Local, Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				name := a.Name.Local
				if a.Name.Space == "http://www.w3.org/XML/1998/namespace" || a.Name.Space == "xml" {
					name = "xml:" + name
				}
				n.Attrs[name] = a.Value
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Kids = append(p.Kids, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	return root
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, k := range n.Kids {
		if k.Name == name {
			out = append(out, k)
		}
	}
	return out
}

func (n *node) one(t *testing.T, name string) *node {
	t.Helper()
	all := n.all(name)
	if len(all) != 1 {
		t.Fatalf("%s has %d %s, want 1", n.Name, len(all), name)
	}
	return all[0]
}

func (n *node) walk(fn func(*node)) {
	fn(n)
	for _, k := range n.Kids {
		k.walk(fn)
	}
}

// iatiFixture is one organization's contributions in every status,
// financial and in kind, earmarked every way, public and private, with two
// schedules; and another organization's.
type iatiFixture struct {
	norway models.DonorOrganization
	ids    map[string]int64
}

func newIATIFixture(t *testing.T, db *gorm.DB) iatiFixture {
	t.Helper()
	ctx := context.Background()
	norway, err := models.DonorOrganizationBySlug(ctx, db, "norway")
	if err != nil {
		t.Fatal(err)
	}
	eu, err := models.DonorOrganizationBySlug(ctx, db, "european-union")
	if err != nil {
		t.Fatal(err)
	}
	ken, err := models.MemberStateByISO3(ctx, db, "KEN")
	if err != nil {
		t.Fatal(err)
	}
	run := func(sql string, args ...any) {
		t.Helper()
		if err := db.Exec(sql, args...).Error; err != nil {
			t.Fatal(err)
		}
	}
	// A need donors may see but the public may not.
	var need int64
	if err := db.Raw(`INSERT INTO needs (member_state_id, title, paragraphs, theme, priority, modality, visibility, status)
		VALUES (?, 'Training of prosecutors', '{2,7}', 'capacity_building', 'high', 'training', 'donors', 'accepted')
		RETURNING id`, ken.ID).Scan(&need).Error; err != nil {
		t.Fatal(err)
	}
	f := iatiFixture{norway: norway, ids: map[string]int64{}}
	type c struct {
		name, kind, status, amount, currency, date string
		inKind, earmark, theme                     any
		paragraph, recipient, need                 any
		valuation                                  string
		public                                     bool
	}
	for _, r := range []c{
		{name: "pledge", kind: "financial", status: "pledged", amount: "105000", currency: "NOK", date: "2026-01-20", earmark: "none", public: true},
		{name: "schedule", kind: "financial", status: "committed", amount: "90", currency: "EUR", date: "2026-01-01", earmark: "state", recipient: ken.ID},
		{name: "theme", kind: "financial", status: "paid", amount: "20000.50", currency: "USD", date: "2026-02-01", earmark: "theme", theme: "criminal_justice"},
		{name: "cancelled", kind: "financial", status: "cancelled", amount: "999999", currency: "NOK", date: "2026-01-20", earmark: "none", public: true},
		{name: "experts", kind: "in_kind", status: "committed", amount: "21000", currency: "NOK", date: "2026-01-05", inKind: "experts", earmark: "paragraph", paragraph: 7, valuation: "Three expert-months at UN rates", public: true},
		{name: "training", kind: "in_kind", status: "paid", amount: "5000", currency: "USD", date: "2026-03-01", inKind: "training", earmark: "need", need: need, recipient: ken.ID, public: true},
		{name: "paid-schedule", kind: "financial", status: "paid", amount: "1000000", currency: "JPY", date: "2025-06-01", earmark: "none", public: true},
	} {
		var paid, cancelled, committed any
		switch r.status {
		case "paid":
			paid = r.date
			if r.name == "paid-schedule" {
				paid = "2026-06-01"
			}
		case "cancelled":
			cancelled = "2026-02-01"
		case "committed":
			committed = r.date
		}
		var id int64
		err := db.Raw(`INSERT INTO contributions (donor_organization_id, kind, title, description, amount, currency, value_date,
			status, pledged_on, committed_on, paid_on, cancelled_on, in_kind_type, valuation, earmark, theme, paragraph_number,
			recipient_state_id, need_id, reported_by, public)
			VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'secretariat', ?) RETURNING id`,
			norway.ID, r.kind, "Contribution "+r.name, r.amount, r.currency, r.date, r.status, r.date, committed, paid, cancelled,
			r.inKind, r.valuation, r.earmark, r.theme,
			r.paragraph, r.recipient, r.need, r.public).Scan(&id).Error
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		f.ids[r.name] = id
	}
	run(`INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on) VALUES
		(?, 2026, 45, '2026-01-10'), (?, 2027, 45, NULL)`, f.ids["schedule"], f.ids["schedule"])
	run(`INSERT INTO contribution_instalments (contribution_id, year, amount, paid_on) VALUES
		(?, 2025, 600000, '2025-07-01'), (?, 2026, 400000, NULL)`, f.ids["paid-schedule"], f.ids["paid-schedule"])
	run(`INSERT INTO contributions (donor_organization_id, kind, title, amount, currency, value_date, status, paid_on, reported_by, public)
		VALUES (?, 'financial', 'Another donor', 9, 'EUR', '2026-01-03', 'paid', '2026-01-03', 'secretariat', true)`, eu.ID)
	return f
}

// iatiNow is the file's generation time in the tests.
var iatiNow = time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)

// generate writes the file as u sees it, and counts its statements.
func generate(t *testing.T, db *gorm.DB, ref *models.ReferenceCache, u *models.User, donor models.DonorOrganization) ([]byte, int) {
	t.Helper()
	ctx, counter := models.WithStatementCounter(context.Background())
	doc, err := models.IATIActivities(ctx, db, ref, u, donor, iatiNow)
	if err != nil {
		t.Fatal(err)
	}
	b, err := doc.XML()
	if err != nil {
		t.Fatal(err)
	}
	return b, counter.Count()
}

func activitiesByID(t *testing.T, f iatiFixture, root *node) map[string]*node {
	t.Helper()
	byName := map[string]string{}
	for name, id := range f.ids {
		byName[models.IATIActivityIdentifier(f.norway, id)] = name
	}
	out := map[string]*node{}
	for _, a := range root.all("iati-activity") {
		id := strings.TrimSpace(a.one(t, "iati-identifier").Text)
		name, ok := byName[id]
		if !ok {
			t.Errorf("activity %s is none of the organization's contributions", id)
			continue
		}
		out[name] = a
	}
	return out
}

func TestIATIFileHoldsWhatEachViewerMaySee(t *testing.T) {
	db := dbtest.New(t)
	f := newIATIFixture(t, db)
	ref := &models.ReferenceCache{DB: db}
	if err := ref.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
	donor := roleUser(t, db, "donor@example.org", models.RoleDonor, "norway")
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	focal := roleUser(t, db, "focal.ken@example.org", models.RoleFocalPoint, "KEN")

	public := []string{"cancelled", "experts", "paid-schedule", "pledge", "training"}
	every := []string{"cancelled", "experts", "paid-schedule", "pledge", "schedule", "theme", "training"}
	for _, tc := range []struct {
		who  string
		u    *models.User
		want []string
	}{
		{"anonymous", nil, public},
		{"the donor's own user", donor, every},
		{"the Secretariat", sec, every},
		// A recipient's focal point sees the private contribution to its
		// State, not the one earmarked to a theme.
		{"Kenya's focal point", focal, []string{"cancelled", "experts", "paid-schedule", "pledge", "schedule", "training"}},
	} {
		t.Run(tc.who, func(t *testing.T) {
			b, statements := generate(t, db, ref, tc.u, f.norway)
			// The contributions with their needs, and the schedules.
			if statements != 2 {
				t.Errorf("%d statements, want 2", statements)
			}
			root := parseXML(t, b)
			if root.Name != "iati-activities" || root.Attrs["version"] != "2.03" || root.Attrs["generated-datetime"] != "2026-12-01T09:30:00Z" {
				t.Errorf("root %s %v", root.Name, root.Attrs)
			}
			acts := activitiesByID(t, f, root)
			var got []string
			for name := range acts {
				got = append(got, name)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("activities %v, want %v", got, tc.want)
			}
			training := acts["training"]
			// The need is for donors: its paragraphs and theme show to them
			// and the Secretariat, never to the public; the recipient State
			// is the contribution's own and shows to all.
			var tags []string
			for _, tag := range training.all("tag") {
				tags = append(tags, tag.Attrs["code"])
			}
			wantTags := []string{"paragraph:2", "paragraph:7", "theme:capacity_building"}
			if tc.u == nil {
				wantTags = nil
			}
			if !slices.Equal(tags, wantTags) {
				t.Errorf("the need's tags %v, want %v", tags, wantTags)
			}
			if c := training.all("recipient-country"); len(c) != 1 || c[0].Attrs["code"] != "KE" {
				t.Errorf("the need's recipient country is missing")
			}
			if err := validateIATI(t, b); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestIATITransactionsFollowTheStatuses(t *testing.T) {
	db := dbtest.New(t)
	f := newIATIFixture(t, db)
	ref := &models.ReferenceCache{DB: db}
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	b, _ := generate(t, db, ref, sec, f.norway)
	acts := activitiesByID(t, f, parseXML(t, b))

	// 13 Incoming Pledge, 11 Incoming Commitment, 1 Incoming Funds (one per
	// paid instalment, and one for what a paid schedule leaves over).
	for _, tc := range []struct {
		name, status, aid, country string
		transactions               []string
		funds                      []string // the amounts of the incoming funds
		planned                    int
	}{
		{"pledge", "1", "B032", "", []string{"13"}, nil, 0},
		{"schedule", "2", "B033", "KE", []string{"11", "1"}, []string{"45.00"}, 1},
		{"theme", "3", "B033", "", []string{"11", "1"}, []string{"20000.50"}, 0},
		{"cancelled", "5", "B032", "", nil, nil, 0},
		{"experts", "2", "D01", "", []string{"11"}, nil, 0},
		{"training", "3", "D02", "KE", []string{"11", "1"}, []string{"5000.00"}, 0},
		{"paid-schedule", "3", "B032", "", []string{"11", "1", "1"}, []string{"600000", "400000"}, 0},
	} {
		a := acts[tc.name]
		if a == nil {
			t.Fatalf("%s is missing", tc.name)
		}
		if got := a.one(t, "activity-status").Attrs["code"]; got != tc.status {
			t.Errorf("%s: activity status %s, want %s", tc.name, got, tc.status)
		}
		if got := a.one(t, "default-aid-type").Attrs["code"]; got != tc.aid {
			t.Errorf("%s: aid type %s, want %s", tc.name, got, tc.aid)
		}
		var country string
		if c := a.all("recipient-country"); len(c) > 0 {
			country = c[0].Attrs["code"]
		}
		if country != tc.country {
			t.Errorf("%s: recipient country %q, want %q", tc.name, country, tc.country)
		}
		var types, funds []string
		for _, tx := range a.all("transaction") {
			typ := tx.one(t, "transaction-type").Attrs["code"]
			types = append(types, typ)
			v := tx.one(t, "value")
			if v.Attrs["currency"] == "" || v.Attrs["value-date"] == "" || tx.one(t, "transaction-date").Attrs["iso-date"] == "" {
				t.Errorf("%s: transaction %s lacks its currency or dates: %v", tc.name, typ, v.Attrs)
			}
			if tx.one(t, "provider-org").Attrs["ref"] != "XM-CTAP-norway" || tx.one(t, "receiver-org").Attrs["ref"] != "XM-DAC-41128" {
				t.Errorf("%s: transaction %s is not from the donor to the Office", tc.name, typ)
			}
			if typ == "1" {
				funds = append(funds, strings.TrimSpace(v.Text))
			}
		}
		if !slices.Equal(types, tc.transactions) {
			t.Errorf("%s: transactions %v, want %v", tc.name, types, tc.transactions)
		}
		if !slices.Equal(funds, tc.funds) {
			t.Errorf("%s: incoming funds %v, want %v", tc.name, funds, tc.funds)
		}
		if got := len(a.all("planned-disbursement")); got != tc.planned {
			t.Errorf("%s: %d planned disbursements, want %d", tc.name, got, tc.planned)
		}
		if got := a.one(t, "reporting-org").Attrs["ref"]; got != "XM-DAC-41128" ||
			!strings.HasPrefix(a.one(t, "iati-identifier").Text, got+"-") {
			t.Errorf("%s: reporting org %q does not prefix the identifier %q", tc.name, got, a.one(t, "iati-identifier").Text)
		}
	}
	// Amounts are plain decimals with the currency's minor units.
	if v := acts["pledge"].one(t, "transaction").one(t, "value"); strings.TrimSpace(v.Text) != "105000.00" || v.Attrs["currency"] != "NOK" {
		t.Errorf("the pledge's value is %q %v", v.Text, v.Attrs)
	}
	// The in-kind valuation is part of the description.
	if d := acts["experts"].one(t, "description").one(t, "narrative").Text; !strings.Contains(d, "Three expert-months") {
		t.Errorf("the in-kind description %q lacks the valuation", d)
	}
}

// TestIATICodesAreInTheCodeLists checks every code the file uses against
// the IATI code lists, and that no coded attribute goes unchecked.
func TestIATICodesAreInTheCodeLists(t *testing.T) {
	db := dbtest.New(t)
	f := newIATIFixture(t, db)
	ref := &models.ReferenceCache{DB: db}
	sec := roleUser(t, db, "secretariat@example.org", models.RoleSecretariat, "")
	b, _ := generate(t, db, ref, sec, f.norway)
	root := parseXML(t, b)

	lists := map[string]map[string]string{}
	for _, name := range []string{"TransactionType", "ActivityStatus", "Country", "Currency", "OrganisationType",
		"OrganisationRole", "AidType", "FinanceType", "Sector", "SectorVocabulary", "TagVocabulary"} {
		lists[name] = codeList(t, name)
	}
	// ActivityDateType is not among the copied lists (testdata/iati/
	// README.md): its four 2.03 codes are written out here.
	lists["ActivityDateType"] = map[string]string{"1": "", "2": "", "3": "", "4": ""}
	// Vocabulary 99 tags are the portal's own codes: its themes and the
	// resolution's operative paragraphs.
	own := map[string]string{}
	for _, th := range models.NeedThemes() {
		own["theme:"+th] = ""
	}
	paras, err := ref.OperativeParagraphs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paras {
		own["paragraph:"+strconv.Itoa(p.Number)] = ""
	}
	lists["the portal's tags"] = own

	rules := map[string]string{
		"iati-activity@default-currency": "Currency",
		"value@currency":                 "Currency",
		"reporting-org@type":             "OrganisationType",
		"participating-org@type":         "OrganisationType",
		"provider-org@type":              "OrganisationType",
		"receiver-org@type":              "OrganisationType",
		"participating-org@role":         "OrganisationRole",
		"activity-status@code":           "ActivityStatus",
		"activity-date@type":             "ActivityDateType",
		"recipient-country@code":         "Country",
		"sector@vocabulary":              "SectorVocabulary",
		"sector@code":                    "Sector",
		"tag@vocabulary":                 "TagVocabulary",
		"tag@code":                       "the portal's tags",
		"default-finance-type@code":      "FinanceType",
		"default-aid-type@code":          "AidType",
		"transaction-type@code":          "TransactionType",
	}
	coded := []string{"code", "type", "role", "currency", "default-currency", "vocabulary"}
	used := map[string]int{}
	root.walk(func(n *node) {
		for attr, v := range n.Attrs {
			if !slices.Contains(coded, attr) {
				continue
			}
			key := n.Name + "@" + attr
			list, ok := rules[key]
			if !ok {
				t.Errorf("%s=%q is a code no test checks: add its code list", key, v)
				continue
			}
			if key == "sector@code" && n.Attrs["vocabulary"] != "1" {
				t.Errorf("sector %s is in vocabulary %q, which the test does not know", v, n.Attrs["vocabulary"])
				continue
			}
			if key == "tag@code" && n.Attrs["vocabulary"] != "99" {
				t.Errorf("tag %s is in vocabulary %q, which the test does not know", v, n.Attrs["vocabulary"])
				continue
			}
			status, ok := lists[list][v]
			switch {
			case !ok:
				t.Errorf("%s=%q is not in the %s code list", key, v, list)
			case status == "withdrawn":
				t.Errorf("%s=%q is withdrawn from the %s code list", key, v, list)
			}
			used[list]++
		}
	})
	for list := range lists {
		if used[list] == 0 {
			t.Errorf("no code of %s was checked: the fixture no longer covers it", list)
		}
	}
}

// TestIATISchemaCheckRefusesABrokenFile makes sure the validation can
// fail: a transaction without its value is refused.
func TestIATISchemaCheckRefusesABrokenFile(t *testing.T) {
	db := dbtest.New(t)
	f := newIATIFixture(t, db)
	ref := &models.ReferenceCache{DB: db}
	b, _ := generate(t, db, ref, nil, f.norway)
	if err := validateIATI(t, b); err != nil {
		t.Fatalf("the file itself is refused: %v", err)
	}
	s := string(b)
	tx := strings.Index(s, "<transaction>")
	start := strings.Index(s[tx:], "<value ") + tx
	end := strings.Index(s[start:], "</value>") + start + len("</value>")
	if tx < 0 || start < tx || end < start {
		t.Fatal("no transaction value to remove")
	}
	broken := s[:start] + s[end:]
	err := validateIATI(t, []byte(broken))
	if !errors.Is(err, errSchemaInvalid) {
		t.Fatalf("a transaction without a value was accepted (%v)", err)
	}
	if !strings.Contains(err.Error(), "value") {
		t.Errorf("the refusal does not name the missing value: %v", err)
	}
}
