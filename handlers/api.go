package handlers

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/views"
	"ctap/web/reqctx"
)

// The read-only JSON API, version 1 (/api/v1). Its operations are typed
// handlers registered with huma, which derives the OpenAPI 3.1 description
// from their input and output structs, validates every parameter against
// it and answers bad input as application/problem+json (RFC 9457). Every
// answer goes through the same scopes as the pages: the caller is the
// person of the access token (anonymous without one), read from the
// request context like a page's signed-in person.

// APIPrefix is where version 1 of the API lives.
const APIPrefix = "/api/v1"

// apiMaxLimit is the largest page the API serves.
const apiMaxLimit = 200

// ListParams are the paging parameters of every list.
type ListParams struct {
	Cursor string `query:"cursor" maxLength:"512" doc:"Opaque cursor from a previous page's next_cursor: the page after it."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Items per page (at most 200)."`

	// url is the request's address, to link to the next page.
	url url.URL
}

// Resolve keeps the request's address (huma calls it before the handler).
func (p *ListParams) Resolve(ctx huma.Context) []error {
	p.url = ctx.URL()
	return nil
}

// request is the page request of these parameters; a malformed cursor is
// refused rather than read as "the first page".
func (p ListParams) request() models.PageRequest {
	return models.PageRequest{After: p.Cursor, Limit: p.Limit, Strict: true}
}

// List is one page of a list.
type List[T any] struct {
	Items      []T    `json:"items" doc:"This page's items."`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to read the next page; absent on the last page."`
	Next       string `json:"next,omitempty" doc:"Address of the next page, with the same filters."`
}

// ListOutput is the answer of a list operation.
type ListOutput[T any] struct {
	Body List[T]
}

// ItemOutput is the answer of a one-record operation.
type ItemOutput[T any] struct {
	Body T
}

// listOf builds the answer for one page of items and the cursor after it.
func listOf[T any](p ListParams, items []T, next string) *ListOutput[T] {
	out := &ListOutput[T]{Body: List[T]{Items: items, NextCursor: next}}
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	if next != "" {
		u := p.url
		q := u.Query()
		q.Set("cursor", next)
		u.RawQuery = q.Encode()
		out.Body.Next = u.RequestURI()
	}
	return out
}

// mapPage converts a model page into an answer.
func mapPage[M, T any](p ListParams, page models.Page[M], conv func(M) T) *ListOutput[T] {
	items := make([]T, len(page.Items))
	for i, m := range page.Items {
		items[i] = conv(m)
	}
	return listOf(p, items, page.Next)
}

// pageSlice pages a small list held in memory (States, instruments,
// paragraphs, donors) with the same kind of cursor: the key of the last
// item seen, so a page stays put when items are added before it.
func pageSlice[T any](p ListParams, all []T, key func(T) string) (*ListOutput[T], error) {
	start := 0
	if p.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		if err != nil {
			return nil, badCursor()
		}
		after := string(b)
		start = len(all)
		for i, item := range all {
			if key(item) > after {
				start = i
				break
			}
		}
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	end := min(start+limit, len(all))
	page := all[start:end]
	next := ""
	if end < len(all) && len(page) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(page[len(page)-1])))
	}
	return listOf(p, slices.Clone(page), next), nil
}

// badCursor is the answer to a cursor no page gave.
func badCursor() error {
	return huma.Error400BadRequest("The cursor is not one this list gave.", &huma.ErrorDetail{
		Location: "query.cursor", Message: "malformed cursor",
	})
}

// notFound is the answer for a record that does not exist or that the
// caller may not see: the same answer, so existence does not leak.
func notFound(what string) error {
	return huma.Error404NotFound(what + " not found, or not visible with these credentials")
}

// unknownValue refuses a filter value that names nothing.
func unknownValue(param, value, message string) error {
	return huma.Error422UnprocessableEntity("A filter names nothing that exists.", &huma.ErrorDetail{
		Location: "query." + param, Value: value, Message: message,
	})
}

// apiFailure turns a model error into the API's answer: a missing record
// is 404, a bad cursor 400, anything else a 500 that is logged and whose
// text is never shown.
func (h *Handlers) apiFailure(ctx context.Context, err error) error {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return notFound("record")
	case errors.Is(err, models.ErrBadCursor):
		return badCursor()
	}
	h.Logger.ErrorContext(ctx, "api request failed", "err", err, "request_id", reqctx.RequestID(ctx))
	return huma.Error500InternalServerError("The request failed; it was logged as " + reqctx.RequestID(ctx) + ".")
}

// Money is a decimal amount with its currency; amounts are strings so no
// digit is lost to floating point.
type Money struct {
	Amount   string `json:"amount" pattern:"^-?[0-9]+(\\.[0-9]+)?$" doc:"Decimal amount, as a string."`
	Currency string `json:"currency" pattern:"^[A-Z]{3}$" doc:"ISO 4217 currency code."`
}

func moneyOf(amount decimal.Decimal, currency string) Money {
	return Money{Amount: amount.String(), Currency: currency}
}

// usdOf is an amount in US dollars, nil when unknown.
func usdOf(d *decimal.Decimal) *Money {
	if d == nil {
		return nil
	}
	m := moneyOf(*d, "USD")
	return &m
}

func nullUSD(d decimal.NullDecimal) *Money {
	if !d.Valid {
		return nil
	}
	return usdOf(&d.Decimal)
}

// dateOf is a civil date as ISO 8601 (YYYY-MM-DD).
func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

func datePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return dateOf(*t)
}

// Names is a text in the languages the portal keeps it in.
type Names struct {
	En string `json:"en"`
	Fr string `json:"fr,omitempty"`
}

// enumSchema is the schema of a string that takes one of values; the
// values come from the models, so the description and the validation
// follow them.
func enumSchema[T ~string](values []T) *huma.Schema {
	s := &huma.Schema{Type: huma.TypeString}
	for _, v := range values {
		s.Enum = append(s.Enum, string(v))
	}
	return s
}

// stateParam checks an ISO3 code in a filter, 0 when empty.
func (h *Handlers) stateParam(ctx context.Context, param, iso3 string) (models.MemberState, error) {
	if iso3 == "" {
		return models.MemberState{}, nil
	}
	s, err := h.Reference.MemberStateByISO3(ctx, strings.ToUpper(iso3))
	if err != nil {
		return s, unknownValue(param, iso3, "no Member State has this ISO 3166-1 alpha-3 code")
	}
	return s, nil
}

// apiUser is the caller: the person of the access token, nil without one.
func apiUser(ctx context.Context) *models.User { return reqctx.User(ctx) }

// pageLink is the address of a record's page on the portal.
func (h *Handlers) pageLink(path string) string { return strings.TrimRight(h.BaseURL, "/") + path }

// RegisterAPI declares every operation of version 1 of the API on api.
func (h *Handlers) RegisterAPI(api huma.API) {
	h.registerReferenceAPI(api)
	h.registerRecordsAPI(api)
}

// apiGet registers one read operation: its ID, address, summary and the
// errors it may answer besides validation.
func apiGet[I, O any](api huma.API, id, path, tag, summary, description string, handler func(context.Context, *I) (*O, error)) {
	huma.Register(api, huma.Operation{
		OperationID: id,
		Method:      http.MethodGet,
		Path:        path,
		Summary:     summary,
		Description: description,
		Tags:        []string{tag},
		Errors:      []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusTooManyRequests},
	}, handler)
}

// sortBy orders items by a text key.
func sortBy[T any](items []T, key func(T) string) {
	slices.SortStableFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
}

// APIDocs renders the API's description for reading (/api): how to call
// it, then each operation with its parameters and the fields it answers.
func (h *Handlers) APIDocs(c echo.Context) error {
	u := reqctx.User(ctx(c))
	base := strings.TrimRight(h.BaseURL, "/") + APIPrefix
	d := views.APIDocsData{BaseURL: base, ExampleURL: base + "/needs?status=submitted&limit=10",
		CanTokens: u != nil && u.Status == models.StatusActive, SignedIn: u != nil}
	if h.OpenAPI == nil {
		return render(c, http.StatusOK, views.APIDocsPage(d))
	}
	d.Title, d.Version = h.OpenAPI.Info.Title, h.OpenAPI.Info.Version
	reg := h.OpenAPI.Components.Schemas
	groups := map[string]*views.APIGroup{}
	var order []string
	paths := make([]string, 0, len(h.OpenAPI.Paths))
	for p := range h.OpenAPI.Paths {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		op := h.OpenAPI.Paths[p].Get
		if op == nil || op.Hidden {
			continue
		}
		tag := "API"
		if len(op.Tags) > 0 {
			tag = op.Tags[0]
		}
		g, ok := groups[tag]
		if !ok {
			g = &views.APIGroup{Name: tag}
			groups[tag] = g
			order = append(order, tag)
		}
		vo := views.APIOperation{ID: op.OperationID, Method: op.Method, Path: APIPrefix + p, Summary: op.Summary, Description: op.Description}
		for _, prm := range op.Parameters {
			vo.Params = append(vo.Params, views.APIParam{Name: prm.Name, In: prm.In, Type: schemaType(reg, prm.Schema),
				Description: prm.Description, Required: prm.Required})
		}
		if res := op.Responses["200"]; res != nil && res.Content["application/json"] != nil {
			body := resolveSchema(reg, res.Content["application/json"].Schema)
			if items := body.Properties["items"]; items != nil && items.Items != nil {
				vo.IsList, body = true, resolveSchema(reg, items.Items)
			}
			for _, name := range propertyOrder(body) {
				prop := body.Properties[name]
				vo.Fields = append(vo.Fields, views.APIField{Name: name, Type: schemaType(reg, prop), Description: prop.Description})
			}
		}
		g.Operations = append(g.Operations, vo)
	}
	for _, name := range order {
		d.Groups = append(d.Groups, *groups[name])
	}
	return render(c, http.StatusOK, views.APIDocsPage(d))
}

// resolveSchema follows a reference to the schema it names.
func resolveSchema(reg huma.Registry, s *huma.Schema) *huma.Schema {
	if s != nil && s.Ref != "" {
		if r := reg.SchemaFromRef(s.Ref); r != nil {
			return r
		}
	}
	if s == nil {
		return &huma.Schema{}
	}
	return s
}

// schemaType says in a few words what a value is: a type, its format, the
// values it takes, or the record it is.
func schemaType(reg huma.Registry, s *huma.Schema) string {
	if s == nil {
		return ""
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	switch {
	case s.Type == huma.TypeArray && s.Items != nil:
		return schemaType(reg, s.Items) + "[]"
	case len(s.Enum) > 0:
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return strings.Join(vals, " | ")
	case s.Format != "":
		return s.Type + " (" + s.Format + ")"
	}
	return s.Type
}

// propertyOrder lists a schema's properties in the order the OpenAPI
// document writes them (the fields' order in the Go struct), which the
// schema's map forgets.
func propertyOrder(s *huma.Schema) []string {
	b, err := json.Marshal(s)
	if err != nil {
		return nil
	}
	var doc struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(b, &doc) != nil || len(doc.Properties) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(doc.Properties))
	var names []string
	if _, err := dec.Token(); err != nil { // {
		return nil
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return names
		}
		names = append(names, tok.(string))
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return names
		}
	}
	return names
}
