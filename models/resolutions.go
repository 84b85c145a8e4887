package models

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lib/pq"
	"gorm.io/gorm"

	"ctap/models/resolution"
)

// Resolution is a General Assembly resolution on this agenda item.
type Resolution struct {
	ID              int
	Symbol          string
	Title           string
	AdoptedOn       time.Time
	Session         int
	CommitteeReport string
	Meeting         string
	CreatedAt       time.Time
}

// ParagraphKind tells preambular from operative paragraphs.
type ParagraphKind string

const (
	Preambular ParagraphKind = "preambular"
	Operative  ParagraphKind = "operative"
)

// Paragraph is one paragraph of a resolution, its footnote markers kept apart.
type Paragraph struct {
	ID           int
	ResolutionID int
	Kind         ParagraphKind
	Number       int
	Body         string
	Addressees   pq.StringArray `gorm:"type:text[]"`
	Theme        *string
	Refs         []FootnoteRef `gorm:"foreignKey:ParagraphID"`
}

// FootnoteRef places a footnote marker at a byte offset of a paragraph's body.
type FootnoteRef struct {
	ParagraphID    int `gorm:"primaryKey"`
	FootnoteNumber int
	Position       int `gorm:"primaryKey"`
}

// Footnote is one of a resolution's footnotes.
type Footnote struct {
	ID           int
	ResolutionID int
	Number       int
	Body         string
}

// ResolutionText is a resolution with all its paragraphs and footnotes.
type ResolutionText struct {
	Resolution Resolution
	Preamble   []Paragraph
	Operative  []Paragraph
	Footnotes  []Footnote
}

// ErrAlreadyImported is returned when a resolution's symbol is already known.
var ErrAlreadyImported = errors.New("resolution already imported")

// ImportResolution stores a parsed resolution with its paragraphs and
// footnotes in one transaction. A symbol already present is refused with
// ErrAlreadyImported and nothing is written.
func ImportResolution(ctx context.Context, db *gorm.DB, doc *resolution.Document) (Resolution, error) {
	res := Resolution{
		Symbol:          doc.Symbol,
		Title:           doc.Title,
		AdoptedOn:       doc.AdoptedOn,
		Session:         doc.Session,
		CommitteeReport: doc.CommitteeReport,
		Meeting:         doc.Meeting,
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&Resolution{}).Where("symbol = ?", doc.Symbol).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%s: %w", doc.Symbol, ErrAlreadyImported)
		}
		if err := tx.Create(&res).Error; err != nil {
			return err
		}
		paras := make([]Paragraph, 0, len(doc.Preamble)+len(doc.Operative))
		add := func(kind ParagraphKind, ps []resolution.Paragraph) {
			for _, p := range ps {
				para := Paragraph{ResolutionID: res.ID, Kind: kind, Number: p.Number, Body: p.Body, Addressees: pq.StringArray{}}
				for _, a := range p.Addressees {
					para.Addressees = append(para.Addressees, string(a))
				}
				if p.Theme != "" {
					theme := string(p.Theme)
					para.Theme = &theme
				}
				for _, r := range p.Refs {
					para.Refs = append(para.Refs, FootnoteRef{FootnoteNumber: r.Number, Position: r.Position})
				}
				paras = append(paras, para)
			}
		}
		add(Preambular, doc.Preamble)
		add(Operative, doc.Operative)
		if err := tx.Create(&paras).Error; err != nil {
			return err
		}
		notes := make([]Footnote, 0, len(doc.Footnotes))
		for _, f := range doc.Footnotes {
			notes = append(notes, Footnote{ResolutionID: res.ID, Number: f.Number, Body: f.Body})
		}
		if len(notes) > 0 {
			if err := tx.Create(&notes).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Resolution{}, fmt.Errorf("import %s: %w", doc.Symbol, err)
	}
	return res, nil
}

// LatestResolution returns the most recently adopted resolution.
func LatestResolution(ctx context.Context, db *gorm.DB) (Resolution, error) {
	var r Resolution
	err := db.WithContext(ctx).Order("adopted_on DESC, id DESC").Take(&r).Error
	if err != nil {
		return r, notFound(err, "latest resolution")
	}
	return r, nil
}

// LoadResolutionText loads a resolution's paragraphs, footnote markers and
// footnotes: three queries, whatever the length of the text.
func LoadResolutionText(ctx context.Context, db *gorm.DB, res Resolution) (ResolutionText, error) {
	text := ResolutionText{Resolution: res}
	var paras []Paragraph
	err := db.WithContext(ctx).
		Where("resolution_id = ?", res.ID).
		Order("kind DESC, number"). // preambular before operative
		Preload("Refs", func(q *gorm.DB) *gorm.DB { return q.Order("position") }).
		Find(&paras).Error
	if err != nil {
		return text, fmt.Errorf("load paragraphs of %s: %w", res.Symbol, err)
	}
	for _, p := range paras {
		if p.Kind == Preambular {
			text.Preamble = append(text.Preamble, p)
		} else {
			text.Operative = append(text.Operative, p)
		}
	}
	if err := db.WithContext(ctx).Where("resolution_id = ?", res.ID).Order("number").Find(&text.Footnotes).Error; err != nil {
		return text, fmt.Errorf("load footnotes of %s: %w", res.Symbol, err)
	}
	return text, nil
}

// OperativeParagraph loads operative paragraph n of a resolution with the
// footnotes it refers to, and how many operative paragraphs there are.
func OperativeParagraph(ctx context.Context, db *gorm.DB, res Resolution, n int) (Paragraph, []Footnote, int, error) {
	var row struct {
		Paragraph
		OperativeCount int
	}
	err := db.WithContext(ctx).Model(&Paragraph{}).
		Select("paragraphs.*, (SELECT count(*) FROM paragraphs o WHERE o.resolution_id = paragraphs.resolution_id AND o.kind = 'operative') AS operative_count").
		Where("resolution_id = ? AND kind = ? AND number = ?", res.ID, Operative, n).
		Take(&row).Error
	if err != nil {
		return Paragraph{}, nil, 0, notFound(err, fmt.Sprintf("operative paragraph %d of %s", n, res.Symbol))
	}
	p := row.Paragraph
	// The footnote markers with their footnotes, in one statement.
	var marks []struct {
		Position       int
		FootnoteNumber int
		FootnoteID     int
		Body           string
	}
	err = db.WithContext(ctx).Table("footnote_refs AS r").
		Select("r.position, r.footnote_number, f.id AS footnote_id, f.body").
		Joins("JOIN footnotes f ON f.resolution_id = ? AND f.number = r.footnote_number", res.ID).
		Where("r.paragraph_id = ?", p.ID).Order("r.position").Scan(&marks).Error
	if err != nil {
		return p, nil, 0, fmt.Errorf("load footnotes of paragraph %d: %w", n, err)
	}
	var notes []Footnote
	seen := map[int]bool{}
	for _, m := range marks {
		p.Refs = append(p.Refs, FootnoteRef{ParagraphID: p.ID, FootnoteNumber: m.FootnoteNumber, Position: m.Position})
		if !seen[m.FootnoteNumber] {
			seen[m.FootnoteNumber] = true
			notes = append(notes, Footnote{ID: m.FootnoteID, ResolutionID: res.ID, Number: m.FootnoteNumber, Body: m.Body})
		}
	}
	slices.SortFunc(notes, func(a, b Footnote) int { return a.Number - b.Number })
	return p, notes, row.OperativeCount, nil
}
