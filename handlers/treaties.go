package handlers

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/policy"
	"ctap/web/reqctx"
)

// Treaty status under operative paragraph 1: the States × instruments
// matrix, each State's record, its focal points' edits and the
// Secretariat's CSV import.

// Instruments shows the instruments with the matrix of the States' treaty
// status today, filtered by regional group; ?format=csv|xlsx exports the
// matrix as shown. One statement.
func (h *Handlers) Instruments(c echo.Context) error {
	group := models.RegionalGroup(c.QueryParam("group"))
	if group != "" && !group.Valid() {
		group = "" // an unknown group shows every State rather than an error
	}
	m, err := models.LoadTreatyMatrix(ctx(c), h.DB, h.Reference, group, models.TreatyToday())
	if err != nil {
		return err
	}
	tb := views.TreatyMatrixTable(ctx(c), m)
	if f := exportFormat(c); f != "" {
		return writeExport(c, f, "treaty-status", tb)
	}
	return render(c, http.StatusOK, views.InstrumentsPage(views.InstrumentsData{
		Matrix: m, Table: tb, Group: group,
		CanImport: policy.Anyone(reqctx.User(ctx(c)), policy.Review),
	}))
}

// treatyState reads the :iso3 of the path; found is false when the answer
// (404, or a redirect to the canonical address) has been decided.
func (h *Handlers) treatyState(c echo.Context) (models.MemberState, error) {
	iso3 := c.Param("iso3")
	if len(iso3) != 3 {
		return models.MemberState{}, echo.ErrNotFound
	}
	return h.Reference.MemberStateByISO3(ctx(c), iso3)
}

// StateTreaties shows a State's status on each instrument, its actions and
// their incorporation in national law: two statements.
func (h *Handlers) StateTreaties(c echo.Context) error {
	s, err := h.treatyState(c)
	if err != nil {
		return err
	}
	if s.ISO3 != c.Param("iso3") {
		return c.Redirect(http.StatusMovedPermanently, "/states/"+s.ISO3+"/treaties")
	}
	insts, err := h.Reference.Instruments(ctx(c))
	if err != nil {
		return err
	}
	recs, err := models.LoadTreatyRecords(ctx(c), h.DB, s.ID)
	if err != nil {
		return err
	}
	canEdit := policy.Can(reqctx.User(ctx(c)), policy.ActForState, policy.State(s.ID))
	today := models.TreatyToday()
	d := views.StateTreatiesData{State: s, AsOf: today, CanEdit: canEdit}
	for _, in := range insts {
		rec := models.TreatyRecord{MemberStateID: s.ID, InstrumentID: in.ID}
		if r, ok := recs[in.ID]; ok {
			rec = *r
		}
		row := views.StateTreatyRow{ISO3: s.ISO3, Instrument: in, Record: rec, Status: rec.Status(today), CanEdit: canEdit}
		if row.Status == models.TreatyParty {
			d.Parties++
		}
		d.Rows = append(d.Rows, row)
	}
	return render(c, http.StatusOK, views.StateTreatiesPage(d))
}

// treatyParams reads the State and instrument of an edit address, and
// checks that the person records this State's actions.
func (h *Handlers) treatyParams(c echo.Context) (models.MemberState, models.Instrument, error) {
	s, err := h.treatyState(c)
	if err != nil {
		return s, models.Instrument{}, err
	}
	if !policy.Can(reqctx.User(ctx(c)), policy.ActForState, policy.State(s.ID)) {
		return s, models.Instrument{}, echo.ErrForbidden
	}
	in, err := h.Reference.InstrumentByCode(ctx(c), c.Param("code"))
	return s, in, err
}

// EditStateTreaty shows the form of a State's record on one instrument.
func (h *Handlers) EditStateTreaty(c echo.Context) error {
	s, in, err := h.treatyParams(c)
	if err != nil {
		return err
	}
	rec, err := models.LoadTreatyRecord(ctx(c), h.DB, s.ID, in.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.TreatyFormPage(views.TreatyFormData{State: s, Instrument: in, Input: rec.InputOf()}))
}

// SaveStateTreaty saves the form: a rejected one comes back (422) with the
// input and a message beside each field; one made on outdated versions
// (409) with the current record beside the person's.
func (h *Handlers) SaveStateTreaty(c echo.Context) error {
	s, in, err := h.treatyParams(c)
	if err != nil {
		return err
	}
	u := reqctx.User(ctx(c))
	var form models.TreatyInput
	return h.submit(c, submission{
		Form: &form,
		Check: func() error {
			_, err := models.ValidateTreatyInput(in, form, models.TreatyToday())
			return err
		},
		Save: func() (string, error) {
			return "/states/" + s.ISO3 + "/treaties", models.SaveTreatyRecord(ctx(c), h.DB, u, s.ID, in, form, h.audit(c))
		},
		Render: func(status int, errs []views.FieldError) error {
			return render(c, status, views.TreatyFormPage(views.TreatyFormData{State: s, Instrument: in, Input: form, Errors: errs}))
		},
		Stale: func() error {
			cur, err := models.LoadTreatyRecord(ctx(c), h.DB, s.ID, in.ID)
			if err != nil {
				return err
			}
			// Saving again overwrites the current record, knowingly.
			v := cur.Versions()
			form.SignatureVersion, form.ConsentVersion, form.LevelVersion = v.Signature, v.Consent, v.Level
			return render(c, http.StatusConflict, views.TreatyFormPage(views.TreatyFormData{State: s, Instrument: in, Input: form, Current: &cur}))
		},
		Flash: "treaty.saved",
	})
}

func (h *Handlers) renderTreatyImport(c echo.Context, status int, d views.TreatyImportData) error {
	insts, err := h.Reference.Instruments(ctx(c))
	if err != nil {
		return err
	}
	d.Instruments = insts
	return render(c, status, views.TreatyImportPage(d))
}

// TreatyImportForm shows the Secretariat's import form and the file format.
func (h *Handlers) TreatyImportForm(c echo.Context) error {
	return h.renderTreatyImport(c, http.StatusOK, views.TreatyImportData{})
}

// ImportTreaties imports a CSV of treaty actions: all of it, or nothing
// with every problem listed by line and column beside the field.
func (h *Handlers) ImportTreaties(c echo.Context) error {
	u := reqctx.User(ctx(c))
	var form importForm
	var problems []string
	return h.submit(c, submission{
		Form: &form,
		Save: func() (string, error) {
			err := runImport(c, &form, &problems, func(r io.Reader) error {
				res, err := models.ImportTreatyActions(ctx(c), h.DB, h.Reference, u, r, h.audit(c))
				if err == nil {
					h.flashCount(c, "success", "treaty.imported", res.Rows, map[string]any{"Rows": res.Rows, "Created": res.Created, "Updated": res.Updated, "Unchanged": res.Unchanged})
				}
				return err
			})
			if err != nil {
				return "", err
			}
			return "/instruments", nil
		},
		Render: func(status int, errs []views.FieldError) error {
			return h.renderTreatyImport(c, status, views.TreatyImportData{CSV: form.CSV, Errors: errs, Problems: problems})
		},
	})
}
