package resolution

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

const officialPath = "../../migrations/resolutions/A-RES-70-177.txt"

func official(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(officialPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func parseOfficial(t *testing.T) *Document {
	t.Helper()
	doc, err := Parse(strings.NewReader(official(t)))
	if err != nil {
		t.Fatalf("Parse(official text): %v", err)
	}
	return doc
}

func TestMetadata(t *testing.T) {
	doc := parseOfficial(t)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Symbol", doc.Symbol, "A/RES/70/177"},
		{"Title", doc.Title, "Technical assistance for implementing the international conventions and protocols related to counter-terrorism"},
		{"AdoptedOn", doc.AdoptedOn, time.Date(2015, time.December, 17, 0, 0, 0, 0, time.UTC)},
		{"Session", doc.Session, 70},
		{"CommitteeReport", doc.CommitteeReport, "on the report of the Third Committee (A/70/490)"},
		{"Meeting", doc.Meeting, "80th plenary meeting"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestOperativeText(t *testing.T) {
	doc := parseOfficial(t)
	if len(doc.Operative) != 17 {
		t.Fatalf("got %d operative paragraphs, want 17", len(doc.Operative))
	}
	for i, p := range doc.Operative {
		if p.Number != i+1 {
			t.Errorf("operative[%d].Number = %d, want %d", i, p.Number, i+1)
		}
	}
	want := map[int]string{
		1:  "Urges Member States that have not yet done so to consider becoming parties to the existing international conventions and protocols related to counter-terrorism, and requests the United Nations Office on Drugs and Crime, within its mandate, in close coordination with the relevant entities of the Counter-Terrorism Implementation Task Force, to continue to provide technical assistance to Member States for the ratification and legislative incorporation of those international legal instruments;",
		15: "Expresses its appreciation to Member States that have supported the technical assistance activities of the United Nations Office on Drugs and Crime, including through financial contributions, and invites Member States to consider making additional sustainable voluntary financial contributions, as well as providing in-kind support, especially in view of the need for enhanced and effective delivery of technical assistance to assist Member States with the implementation of the relevant provisions of the United Nations Global Counter-Terrorism Strategy;",
		17: "Also requests the Secretary-General to submit to the General Assembly at its seventy-first session a report on the implementation of the present resolution.",
	}
	for n, body := range want {
		if got := doc.Operative[n-1].Body; got != body {
			t.Errorf("operative %d body:\n got %q\nwant %q", n, got, body)
		}
	}
	p15 := doc.Operative[14]
	if wantRefs := []FootnoteRef{{Number: 2, Position: len(p15.Body)}}; !reflect.DeepEqual(p15.Refs, wantRefs) {
		t.Errorf("operative 15 refs = %v, want %v", p15.Refs, wantRefs)
	}
	for _, n := range []int{1, 17} {
		if refs := doc.Operative[n-1].Refs; len(refs) != 0 {
			t.Errorf("operative %d refs = %v, want none", n, refs)
		}
	}
}

func TestPreamble(t *testing.T) {
	doc := parseOfficial(t)
	// Lines 8 to 24 of the official text, after "The General Assembly,".
	if len(doc.Preamble) != 17 {
		t.Fatalf("got %d preambular paragraphs, want 17", len(doc.Preamble))
	}
	for i, p := range doc.Preamble {
		if p.Number != i+1 {
			t.Errorf("preamble[%d].Number = %d, want %d", i, p.Number, i+1)
		}
		if p.Addressees != nil || p.Theme != "" {
			t.Errorf("preamble %d has addressees %v / theme %q", p.Number, p.Addressees, p.Theme)
		}
	}

	second := doc.Preamble[1]
	if want := "Taking note of relevant Security Council resolutions related to technical assistance in countering terrorism, especially the most recent resolutions,"; second.Body != want {
		t.Errorf("preamble 2 body = %q, want %q", second.Body, want)
	}
	if !strings.HasSuffix(second.Body, "especially the most recent resolutions,") {
		t.Errorf("preamble 2 does not end with the resolutions: %q", second.Body)
	}
	if want := []FootnoteRef{{Number: 1, Position: len(second.Body)}}; !reflect.DeepEqual(second.Refs, want) {
		t.Errorf("preamble 2 refs = %v, want %v", second.Refs, want)
	}

	sixth := doc.Preamble[5]
	const phrase = "Counter-Terrorism Strategy and the need"
	at := strings.Index(sixth.Body, phrase)
	if at < 0 {
		t.Fatalf("preamble 6 lacks %q: %q", phrase, sixth.Body)
	}
	strategyEnd := at + len("Counter-Terrorism Strategy")
	if want := []FootnoteRef{{Number: 2, Position: strategyEnd}}; !reflect.DeepEqual(sixth.Refs, want) {
		t.Errorf("preamble 6 refs = %v, want %v", sixth.Refs, want)
	}
	if !strings.HasSuffix(sixth.Body[:sixth.Refs[0].Position], "Strategy") {
		t.Errorf("ref 2 does not follow \"Strategy\"")
	}

	// The other two markers: "...April 2015,3" and "...terrorism,4".
	for _, c := range []struct {
		para, note int
		before     string
	}{{9, 3, "19 April 2015,"}, {15, 4, "related to terrorism,"}} {
		p := doc.Preamble[c.para-1]
		if len(p.Refs) != 1 || p.Refs[0].Number != c.note || p.Refs[0].Position != len(p.Body) || !strings.HasSuffix(p.Body, c.before) {
			t.Errorf("preamble %d: body ends %q, refs %v; want ref %d after %q", c.para, lastWords(p.Body), p.Refs, c.note, c.before)
		}
	}
	// Ordinary numbers stay in the text.
	if first := doc.Preamble[0].Body; !strings.Contains(first, "resolutions 68/178 of 18 December 2013") || len(doc.Preamble[0].Refs) != 0 {
		t.Errorf("preamble 1 numbers altered: %q refs %v", first, doc.Preamble[0].Refs)
	}
	if !strings.Contains(doc.Preamble[8].Body, "from 12 to 19 April 2015") {
		t.Errorf("preamble 9 numbers altered: %q", doc.Preamble[8].Body)
	}
}

func TestFootnotes(t *testing.T) {
	doc := parseOfficial(t)
	want := []Footnote{
		{1, "Especially resolutions 2178 (2014) adopted on 24 September 2014, 2133 (2014) of 27 January 2014, 2195 (2014) of 19 December 2014 and 2199 (2015) of 12 February 2015."},
		{2, "Resolution 60/288."},
		{3, "Resolution 70/174, annex."},
		{4, "E/CN.15/2015/4."},
	}
	if !reflect.DeepEqual(doc.Footnotes, want) {
		t.Errorf("footnotes:\n got %#v\nwant %#v", doc.Footnotes, want)
	}
}

func TestAddresseesAndThemes(t *testing.T) {
	doc := parseOfficial(t)
	const (
		ms  = AddresseeMemberStates
		off = AddresseeOffice
		sg  = AddresseeSecretaryGeneral
	)
	tests := []struct {
		n     int
		who   []Addressee
		theme Theme
	}{
		{1, []Addressee{ms, off}, ThemeRatification},
		{2, []Addressee{ms, off}, ThemeInternationalCooperation},
		{3, []Addressee{off}, ThemeCriminalJustice},
		{4, []Addressee{off}, ThemePreventionHumanRights},
		{5, []Addressee{off}, ThemeCapacityBuilding},
		{6, []Addressee{off}, ThemeLegalKnowledge},
		{7, []Addressee{off}, ThemeForeignTerroristFighters},
		{8, []Addressee{ms, off}, ThemeInformationSharing},
		{9, []Addressee{off}, ThemeKidnappingHostageTaking},
		{10, []Addressee{off}, ThemeInternet},
		{11, []Addressee{off}, ThemeCulturalHeritage},
		{12, []Addressee{off}, ThemeCoordination},
		{13, []Addressee{off}, ThemeProgrammes},
		{14, []Addressee{off}, ThemeJointInitiatives},
		{15, []Addressee{ms}, ThemeVoluntaryContributions},
		{16, []Addressee{sg}, ThemeResources},
		{17, []Addressee{sg}, ThemeReporting},
	}
	if len(doc.Operative) != len(tests) {
		t.Fatalf("got %d operative paragraphs, want %d", len(doc.Operative), len(tests))
	}
	for _, tt := range tests {
		p := doc.Operative[tt.n-1]
		if !reflect.DeepEqual(p.Addressees, tt.who) {
			t.Errorf("operative %d addressees = %v, want %v", tt.n, p.Addressees, tt.who)
		}
		if p.Theme != tt.theme {
			t.Errorf("operative %d theme = %q, want %q", tt.n, p.Theme, tt.theme)
		}
	}
}

func TestThemes(t *testing.T) {
	want := []Theme{"ratification", "international_cooperation", "criminal_justice", "prevention_human_rights", "capacity_building", "legal_knowledge", "foreign_terrorist_fighters", "information_sharing", "kidnapping_hostage_taking", "internet", "cultural_heritage", "coordination", "programmes", "joint_initiatives", "voluntary_contributions", "resources", "reporting"}
	if got := Themes(); !reflect.DeepEqual(got, want) {
		t.Errorf("Themes() = %v, want %v", got, want)
	}
	// Each paragraph of A/RES/70/177 has its own theme, in this order.
	doc := parseOfficial(t)
	for i, p := range doc.Operative {
		if p.Theme != want[i] {
			t.Errorf("operative %d theme %q, want %q", i+1, p.Theme, want[i])
		}
	}
	Themes()[0] = "mutated"
	if Themes()[0] != ThemeRatification {
		t.Error("Themes() shares its slice")
	}
}

func TestAddresseesOf(t *testing.T) {
	tests := []struct {
		body string
		want []Addressee
	}{
		{"Urges Member States and the United Nations Office on Drugs and Crime to act;", []Addressee{AddresseeMemberStates, AddresseeOffice}},
		{"Further invites all Member States to act;", []Addressee{AddresseeMemberStates}},
		{"Requests also the Secretary-General to report;", []Addressee{AddresseeSecretaryGeneral}},
		{"Notes the work of the United Nations Office on Drugs and Crime;", []Addressee{AddresseeOffice}},
		{"Decides to remain seized of the matter.", nil},
		{"Requests the Secretary-General to provide the United Nations Office on Drugs and Crime with resources;", []Addressee{AddresseeSecretaryGeneral}},
	}
	for _, tt := range tests {
		if got := addresseesOf(tt.body); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("addresseesOf(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}

func TestExtractMarkers(t *testing.T) {
	known := map[int]bool{1: true, 2: true, 3: true}
	tests := []struct {
		in, body string
		refs     []FootnoteRef
		err      bool
	}{
		{in: "resolutions,1", body: "resolutions,", refs: []FootnoteRef{{1, 12}}},
		{in: "Strategy2 and", body: "Strategy and", refs: []FootnoteRef{{2, 8}}},
		{in: "April 2015,3", body: "April 2015,", refs: []FootnoteRef{{3, 11}}},
		{in: "Stratégie2 et", body: "Stratégie et", refs: []FootnoteRef{{2, 10}}},
		{in: "resolution 68/178 of 18 December 2013", body: "resolution 68/178 of 18 December 2013"},
		{in: "2178 (2014) of 1,000 people", body: "2178 (2014) of 1,000 people"},
		{in: "document A/70/L.27/Add.1 and Corr.2.", body: "document A/70/L.27/Add.1 and Corr.2."},
		{in: "the G20 summit", body: "the G20 summit"},
		{in: "1.5 per cent", body: "1.5 per cent"},
		{in: "Strategy9 and", err: true},
		{in: "terrorism,9", err: true},
	}
	for _, tt := range tests {
		body, refs, err := extractMarkers(tt.in, known)
		if (err != nil) != tt.err {
			t.Errorf("extractMarkers(%q) error = %v, want error %v", tt.in, err, tt.err)
			continue
		}
		if tt.err {
			continue
		}
		if body != tt.body || !reflect.DeepEqual(refs, tt.refs) {
			t.Errorf("extractMarkers(%q) = %q, %v; want %q, %v", tt.in, body, refs, tt.body, tt.refs)
		}
	}
}

// TestVariants covers accepted variations of the official text.
func TestVariants(t *testing.T) {
	text := official(t)

	t.Run("CRLF", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(strings.ReplaceAll(text, "\n", "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		if want := parseOfficial(t); !reflect.DeepEqual(doc, want) {
			t.Error("CRLF text parses differently")
		}
	})
	t.Run("symbol from trailer", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(strings.Replace(text, "70/177.\tTechnical", "Technical", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Symbol != "A/RES/70/177" || doc.Session != 70 || !strings.HasPrefix(doc.Title, "Technical assistance") {
			t.Errorf("got symbol %q session %d title %q", doc.Symbol, doc.Session, doc.Title)
		}
	})
	t.Run("no committee report", func(t *testing.T) {
		doc, err := Parse(strings.NewReader(strings.Replace(text, "[on the report of the Third Committee (A/70/490)]\n", "", 1)))
		if err != nil {
			t.Fatal(err)
		}
		if doc.CommitteeReport != "" {
			t.Errorf("CommitteeReport = %q, want empty", doc.CommitteeReport)
		}
	})
	t.Run("no trailer", func(t *testing.T) {
		cut := strings.Index(text, "[DU1]<<")
		if _, err := Parse(strings.NewReader(text[:cut])); err != nil {
			t.Fatal(err)
		}
	})
}

// malformed edits the official text; the line numbers in the cases refer to
// the official file (line 2 is the adoption line, 25 to 41 the operative
// paragraphs, 46 to 49 the footnotes).
func TestMalformed(t *testing.T) {
	text := official(t)
	replace := func(old, new string) string {
		t.Helper()
		if !strings.Contains(text, old) {
			t.Fatalf("official text lacks %q", old)
		}
		return strings.Replace(text, old, new, 1)
	}
	tests := []struct {
		name  string
		input string
		line  int
		msg   string
	}{
		{"missing header", replace("Resolution adopted by the General Assembly on 17 December 2015\n", ""), 2, "expected \"Resolution adopted"},
		{"bad adoption date", replace("on 17 December 2015", "on 31 Smarch 2015"), 2, "invalid adoption date"},
		{"missing title", replace("70/177.\tTechnical assistance for implementing the international conventions and protocols related to counter-terrorism\n", ""), 6, "missing title line"},
		{"missing General Assembly", replace("\tThe General Assembly,\n", ""), 7, "expected \"The General Assembly,\""},
		{"paragraph 3 after 1", replace("\t2.\tUrges", "\t3.\tUrges"), 26, "operative paragraph 3 follows paragraph 1"},
		{"first paragraph not 1", replace("\t1.\tUrges", "\t0.\tUrges"), 25, "first operative paragraph is numbered 0"},
		{"repeated paragraph number", replace("\t17.\tAlso", "\t16.\tAlso"), 41, "operative paragraph 16 follows paragraph 16"},
		{"marker to missing footnote", replace("Strategy2 and", "Strategy9 and"), 13, "footnote marker 9"},
		{"footnote never referenced", replace("terrorism,4\n", "terrorism,\n"), 49, "footnote 4 is never referenced"},
		{"duplicate footnote", replace("2 Resolution 60/288.", "1 Resolution 60/288."), 47, "duplicate footnote 1"},
		{"footnote out of order", replace("3 Resolution 70/174", "5 Resolution 70/174"), 48, "footnote 5 follows footnote 2"},
		{"garbage in footnotes", replace("2 Resolution 60/288.\n", "2 Resolution 60/288.\nsee above\n"), 48, "unexpected line in footnotes"},
		{"empty input", "", 1, "empty input"},
		{"blank input", "\n\n  \n", 1, "empty input"},
		{"invalid UTF-8", replace("\t6.\tRequests", "\t6.\tRequ\xffests"), 30, "invalid UTF-8"},
		{"garbage between operative paragraphs", replace("\t6.\tRequests", "garbage\n\t6.\tRequests"), 30, "unexpected line \"garbage\""},
		{"preamble after operative", replace("\t6.\tRequests", "\tRecalling its earlier work,\n\t6.\tRequests"), 30, "unexpected unnumbered paragraph after operative paragraph 5"},
		{"empty operative paragraph", replace("\t6.\tRequests", "\t6.\n\t6.\tRequests"), 30, "operative paragraph 6 is empty"},
		{"no operative paragraphs", text[:strings.Index(text, "\t1.\t")] + text[strings.Index(text, "\n80th")+1:], 25, "no operative paragraphs"},
		{"missing meeting line", replace("80th plenary meeting\n", ""), 43, "unexpected line \"17 December 2015\""},
		{"missing date line", replace("17 December 2015\n\n1 Especially", "1 Especially"), 44, "expected the date line"},
		{"date mismatch", replace("\n17 December 2015\n", "\n18 December 2015\n"), 44, "differs from adoption date"},
		{"trailer symbol mismatch", replace(">>A/RES/70/177<<", ">>A/RES/70/178<<"), 51, "differs from A/RES/70/177"},
		{"no symbol at all", strings.Replace(replace(">>A/RES/70/177<<", ">><<"), "70/177.\tTechnical", "Technical", 1), 4, "no document symbol"},
		{"meeting ordinal", replace("80th plenary", "80st plenary"), 43, "misspelt meeting number 80st"},
		{"resolution number 0", replace("70/177.\t", "70/0.\t"), 4, "invalid resolution number 70/0"},
		{"truncated", text[:strings.Index(text, "\t9.\t")], 32, "missing meeting line"},
		{"too large", text + strings.Repeat("x", maxInputSize), 83, "input exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(strings.NewReader(tt.input))
			if doc != nil {
				t.Errorf("got a document with the error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v (%T), want *ParseError", err, err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("error = %q, want line %d containing %q", pe.Error(), tt.line, tt.msg)
			}
		})
	}
}

func TestParseErrorFormat(t *testing.T) {
	e := &ParseError{Line: 12, Msg: "operative paragraph 3 follows paragraph 1"}
	if got, want := e.Error(), "line 12: operative paragraph 3 follows paragraph 1"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	doc, err := Parse(failingReader{})
	var pe *ParseError
	if doc != nil || err == nil || errors.As(err, &pe) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("Parse(failing reader) = %v, %v; want the read error", doc, err)
	}
}

// The size limit must not depend on the reader handing over everything.
func TestLimitReadsOnlyWhatItNeeds(t *testing.T) {
	r := bytes.NewReader(bytes.Repeat([]byte("a\n"), maxInputSize))
	if _, err := Parse(r); err == nil {
		t.Fatal("oversized input accepted")
	}
	if left := r.Len(); left != 2*maxInputSize-(maxInputSize+1) {
		t.Errorf("read past the limit: %d bytes left", left)
	}
}

// TestSmallDocument exercises what A/RES/70/177 does not: a title without
// its number (symbol from the trailer), a title marker, non-ASCII text,
// markers after ")" and ";", and numbers that must stay text.
func TestSmallDocument(t *testing.T) {
	const text = "Resolution adopted by the General Assembly on 2 March 2001\n" +
		"[without reference to a Main Committee (A/55/L.1)]\n" +
		"Stratégie1\n\n" +
		"\tThe General Assembly,\n" +
		"\tRappelant la Stratégie2 et G20 (2014)3 à 1,000 A/C.3/55/L.2.\n" +
		"\t1.\tRequests the Secretary-General and the United Nations Office on Drugs and Crime, and invites all Member States;\n" +
		"\t2.\tAlso notes 1.5 per cent;4\n" +
		"2nd plenary meeting\n2 March 2001\n" +
		"1 Un.\n2 Deux.\n3 Trois.\n4 Quatre.\n" +
		"______\n<<ODS DOC SYMBOL1>>A/RES/55/2<<ODS DOC SYMBOL1>>\n"
	doc, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := &Document{
		Symbol:          "A/RES/55/2",
		Title:           "Stratégie",
		AdoptedOn:       time.Date(2001, time.March, 2, 0, 0, 0, 0, time.UTC),
		Session:         55,
		CommitteeReport: "without reference to a Main Committee (A/55/L.1)",
		Meeting:         "2nd plenary meeting",
		Preamble: []Paragraph{{
			Number: 1,
			Body:   "Rappelant la Stratégie et G20 (2014) à 1,000 A/C.3/55/L.2.",
			Refs:   []FootnoteRef{{2, len("Rappelant la Stratégie")}, {3, len("Rappelant la Stratégie et G20 (2014)")}},
		}},
		Operative: []Paragraph{
			{
				Number:     1,
				Body:       "Requests the Secretary-General and the United Nations Office on Drugs and Crime, and invites all Member States;",
				Addressees: []Addressee{AddresseeMemberStates, AddresseeOffice, AddresseeSecretaryGeneral},
			},
			{Number: 2, Body: "Also notes 1.5 per cent;", Refs: []FootnoteRef{{4, len("Also notes 1.5 per cent;")}}},
		},
		Footnotes: []Footnote{{1, "Un."}, {2, "Deux."}, {3, "Trois."}, {4, "Quatre."}},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("got  %+v\nwant %+v", doc, want)
	}
}

func TestOrdinalSuffix(t *testing.T) {
	for n, want := range map[string]string{"1": "st", "2": "nd", "3": "rd", "4": "th", "11": "th", "12": "th", "13": "th", "21": "st", "80": "th", "101": "st", "111": "th", "112": "th", "122": "nd"} {
		if got := ordinalSuffix(n); got != want {
			t.Errorf("ordinalSuffix(%s) = %s, want %s", n, got, want)
		}
	}
}
