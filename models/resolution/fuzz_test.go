package resolution

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and that whatever it returns is
// coherent: a well-formed document, or a *ParseError naming a real line.
func FuzzParse(f *testing.F) {
	text := official(f)
	f.Add([]byte(text))
	for _, edit := range [][2]string{
		{"\t2.\tUrges", "\t3.\tUrges"},
		{"Strategy2 and", "Strategy9 and"},
		{"terrorism,4\n", "terrorism,\n"},
		{"2 Resolution 60/288.", "1 Resolution 60/288."},
		{"\t6.\tRequests", "garbage\n\t6.\tRequests"},
		{"\t6.\tRequests", "\t6.\tRequ\xffests"},
		{"70/177.\tTechnical", "Technical"},
		{"\n", "\r\n"},
	} {
		f.Add([]byte(strings.Replace(text, edit[0], edit[1], 1)))
	}
	f.Add([]byte(""))
	// Small documents, so that mutations reach the success paths quickly.
	f.Add([]byte("[DU1]\nResolution adopted by the General Assembly on 1 January 2000\n1/1.\tT\n\tThe General Assembly,\n\tNoting x,1\n\t1.\tUrges Member States;\n1st plenary meeting\n1 January 2000\n1 Note.\n"))
	f.Add([]byte("Resolution adopted by the General Assembly on 2 March 2001\n[without reference to a Main Committee (A/55/L.1)]\nStratégie1\n\n\tThe General Assembly,\n\tRappelant la Stratégie2 et G20 (2014)3 à 1,000 A/C.3/55/L.2.\n\t1.\tRequests the Secretary-General and the United Nations Office on Drugs and Crime, and invites all Member States;\n\t2.\tAlso notes 1.5 per cent;4\n2nd plenary meeting\n2 March 2001\n1 Un.\n2 Deux.\n3 Trois.\n4 Quatre.\n______\n<<ODS DOC SYMBOL1>>A/RES/55/2<<ODS DOC SYMBOL1>>\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(bytes.NewReader(data))
		if err != nil {
			if doc != nil {
				t.Fatalf("document returned with error %v", err)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			lines := 1 + bytes.Count(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
			if pe.Line < 1 || pe.Line > lines {
				t.Fatalf("error line %d outside 1..%d: %v", pe.Line, lines, err)
			}
			return
		}

		notes := map[int]bool{}
		for _, n := range doc.Footnotes {
			if notes[n.Number] {
				t.Fatalf("footnote %d twice", n.Number)
			}
			notes[n.Number] = true
		}
		if len(doc.Operative) == 0 {
			t.Fatal("no operative paragraphs")
		}
		for i, p := range doc.Operative {
			if p.Number != i+1 {
				t.Fatalf("operative[%d] numbered %d", i, p.Number)
			}
		}
		if doc.Symbol == "" || doc.Session < 1 || doc.Title == "" || doc.AdoptedOn.IsZero() {
			t.Fatalf("incomplete metadata: %+v", doc)
		}
		for _, ps := range [][]Paragraph{doc.Preamble, doc.Operative} {
			for _, p := range ps {
				if p.Body == "" || !utf8.ValidString(p.Body) || strings.TrimSpace(p.Body) != p.Body {
					t.Fatalf("paragraph %d body %q", p.Number, p.Body)
				}
				prev := 0
				for _, r := range p.Refs {
					if r.Position < prev || r.Position > len(p.Body) {
						t.Fatalf("paragraph %d ref %+v out of order or outside body of %d bytes", p.Number, r, len(p.Body))
					}
					if r.Position < len(p.Body) && !utf8.RuneStart(p.Body[r.Position]) {
						t.Fatalf("paragraph %d ref %+v not on a rune boundary", p.Number, r)
					}
					if !notes[r.Number] {
						t.Fatalf("paragraph %d refers to missing footnote %d", p.Number, r.Number)
					}
					prev = r.Position
				}
			}
		}
	})
}
