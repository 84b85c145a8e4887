package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// searchLimit is how many hits a page of /search shows.
const searchLimit = 20

// Search finds, over every kind of record, what the person may see: the
// counts by kind, then one page of hits with their excerpts (two
// statements). A query it cannot use (too long, an unknown kind or State)
// narrows nothing rather than failing.
func (h *Handlers) Search(c echo.Context) error {
	qp := c.QueryParams()
	form := views.SearchForm{Text: strings.TrimSpace(qp.Get("q")), Kind: qp.Get("kind"), State: strings.ToUpper(qp.Get("state")), Paragraph: qp.Get("paragraph")}
	if len(form.Text) > 200 {
		form.Text = form.Text[:200]
	}
	q := models.SearchQuery{Text: form.Text, Lang: localizer(c).Tag}
	if k := models.SearchKind(form.Kind); models.ValidSearchKind(k) {
		q.Kind = k
	} else {
		form.Kind = ""
	}
	states, err := h.Reference.MemberStates(ctx(c))
	if err != nil {
		return err
	}
	if s, err := h.Reference.MemberStateByISO3(ctx(c), form.State); err == nil && form.State != "" {
		q.StateID = s.ID
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	} else {
		form.State = ""
	}
	if n, err := strconv.Atoi(form.Paragraph); err == nil && n > 0 && n < 100 {
		q.Paragraph = n
	} else {
		form.Paragraph = ""
	}
	res, err := models.Search(ctx(c), h.DB, reqctx.User(ctx(c)), q, pageRequest(c, searchLimit))
	if err != nil {
		return err
	}
	paras, err := h.Reference.OperativeParagraphs(ctx(c))
	if err != nil {
		return err
	}
	// The States the page's hits name, from the cache: twenty at most.
	byID := map[int]models.MemberState{}
	for _, hit := range res.Page.Items {
		if hit.StateID == nil {
			continue
		}
		if s, ok, err := h.Reference.MemberStateByID(ctx(c), *hit.StateID); err != nil {
			return err
		} else if ok {
			byID[s.ID] = s
		}
	}
	return render(c, http.StatusOK, views.SearchPage(views.SearchData{
		Form: form, Results: res, States: states, StatesByID: byID, Paragraphs: paras,
		Nav: pageNav("/search", qp, res.Page),
	}))
}
