package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"github.com/chromedp/chromedp"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/shopspring/decimal"

	"ctap/models"
	"ctap/web"
	"ctap/web/webtest"
)

// apiClient calls the JSON API and validates every answer that belongs to
// an operation against the OpenAPI description the server publishes.
type apiClient struct {
	srv    *webtest.Server
	c      *webtest.Client
	router routers.Router
}

// newAPIClient loads and validates the server's OpenAPI description (once
// per client) and returns a client that checks every answer against it.
func newAPIClient(t *testing.T, srv *webtest.Server) *apiClient {
	t.Helper()
	c := srv.Client()
	res := c.Get(t, "/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(res.Body))
	if err != nil {
		t.Fatalf("load the OpenAPI description: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("the description is OpenAPI %s, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI description is invalid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL + "/api/v1"}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("route the description: %v", err)
	}
	return &apiClient{srv: srv, c: c, router: router}
}

// get calls path (under /api/v1) with token ("" for none) and extra
// headers, validates the answer against the description, and returns it.
func (a *apiClient) get(t *testing.T, token, path string, header ...string) *webtest.Response {
	t.Helper()
	a.c.HTTP.Jar = nil // the API never reads cookies; none are sent unless a test says so
	req, err := http.NewRequest(http.MethodGet, a.srv.URL+"/api/v1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.do(t, req)
}

func (a *apiClient) do(t *testing.T, req *http.Request) *webtest.Response {
	t.Helper()
	resp, err := a.c.HTTP.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	res := &webtest.Response{Response: resp, Body: string(body)}
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("GET %s: %d answered as %q, want application/problem+json", req.URL.Path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	route, params, err := a.router.FindRoute(req)
	if err != nil {
		return res // not an operation (an unknown address): nothing to validate against
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if resp.StatusCode < 300 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("GET %s was answered %d but the description refuses the request: %v", req.URL, resp.StatusCode, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("GET %s: the answer (%d) does not match the description: %v\n%s", req.URL, resp.StatusCode, err, truncateBody(res.Body))
	}
	return res
}

func truncateBody(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}

// apiList is a list's answer.
type apiList struct {
	Items []struct {
		ID         int64           `json:"id"`
		Title      string          `json:"title"`
		State      string          `json:"state"`
		Visibility string          `json:"visibility"`
		Amount     json.RawMessage `json:"amount"`
		ISO3       string          `json:"iso3"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
	Next       string `json:"next"`
}

func decodeList(t *testing.T, res *webtest.Response) apiList {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %s", res.StatusCode, res.Body)
	}
	var l apiList
	if err := json.Unmarshal([]byte(res.Body), &l); err != nil {
		t.Fatalf("list: %v\n%s", err, res.Body)
	}
	return l
}

func (l apiList) ids() []int64 {
	out := make([]int64, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.ID
	}
	return out
}

// tokenFor makes a personal access token for the account of email, as
// its owner would at /account/tokens, made at now and valid for days.
func tokenFor(t testing.TB, srv *webtest.Server, email string, now time.Time, days int) string {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := srv.DB.Raw(`SELECT id FROM users WHERE email = ?`, email).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("no account %s: %v", email, err)
	}
	u, err := models.UserByID(ctx, srv.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := models.CreateAccessToken(ctx, srv.DB, &u, models.AccessTokenInput{
		Name: "Grants database", ExpiresOn: now.AddDate(0, 0, days).Format(time.DateOnly),
	}, now, models.AuditContext{Actor: &u})
	if err != nil {
		t.Fatalf("token for %s: %v", email, err)
	}
	return secret
}

// createNeed records a need through the form and returns its id.
func createNeed(t *testing.T, c *webtest.Client, kv ...string) int64 {
	t.Helper()
	page := c.Get(t, "/needs/new")
	res := c.PostForm(t, "/needs", needForm(webtest.CSRFToken(t, page), kv...))
	m := needIDInLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create need: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func TestTheAPIAnswersEachCallerWithWhatTheyMaySeeAndCookiesNeverAuthenticateIt(t *testing.T) {
	t.Parallel()
	cs := newContributionServer(t)
	srv := cs.srv
	focal := cs.clients["focal_ken"]
	signedInAs(t, srv, "admin@example.org", models.RoleAdmin, "")
	private := createNeed(t, focal, "title", "Private forensic laboratory", "visibility", "state")
	shared := createNeed(t, focal, "title", "Shared judges training", "visibility", "donors")
	// A private pledge of Norway's to Kenya, and a public one.
	for _, public := range []bool{false, true} {
		if res := cs.pledge(t, "donor_nor", pledgeForm("Pledge public="+strconv.FormatBool(public), public)); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("pledge: %d", res.StatusCode)
		}
	}
	now := time.Now()
	tokens := map[string]string{
		"Kenya":       tokenFor(t, srv, "focal.ken@example.org", now, 30),
		"France":      tokenFor(t, srv, "focal.fra@example.org", now, 30),
		"Secretariat": tokenFor(t, srv, "secretariat@example.org", now, 30),
		"admin":       tokenFor(t, srv, "admin@example.org", now, 30),
		"Norway":      tokenFor(t, srv, "donor.nor@example.org", now, 30),
		"EU":          tokenFor(t, srv, "donor.eu@example.org", now, 30),
		"viewer":      tokenFor(t, srv, "viewer@example.org", now, 30),
		"anonymous":   "",
	}
	api := newAPIClient(t, srv)

	// Who sees which need, in the list and one by one. The shared need is
	// a draft: only its State and the Secretariat see it until submitted.
	sees := map[string][]int64{
		"Kenya": {shared, private}, "Secretariat": {shared, private}, "admin": {shared, private},
		"France": nil, "Norway": nil, "EU": nil, "viewer": nil, "anonymous": nil,
	}
	// Who sees the private pledge: its donor, its recipient, the
	// Secretariat; everyone sees the public one.
	seesPrivatePledge := map[string]bool{"Kenya": true, "Secretariat": true, "admin": true, "Norway": true}
	for who, token := range tokens {
		res := api.get(t, token, "/contributions?recipient=KEN")
		titles := map[string]bool{}
		var l struct {
			Items []struct{ Title string } `json:"items"`
		}
		_ = json.Unmarshal([]byte(res.Body), &l)
		for _, it := range l.Items {
			titles[it.Title] = true
		}
		if !titles["Pledge public=true"] || titles["Pledge public=false"] != seesPrivatePledge[who] {
			t.Errorf("%s reads the pledges %v", who, titles)
		}
		var donor struct {
			Pledged struct{ Count int } `json:"pledged"`
		}
		_ = json.Unmarshal([]byte(api.get(t, token, "/donors/norway").Body), &donor)
		if want := map[bool]int{true: 2, false: 1}[seesPrivatePledge[who]]; donor.Pledged.Count != want {
			t.Errorf("%s counts %d of Norway's pledges, want %d", who, donor.Pledged.Count, want)
		}
	}
	for who, want := range sees {
		res := api.get(t, tokens[who], "/needs?state=KEN")
		got := decodeList(t, res).ids()
		if len(got) != len(want) || (len(want) == 2 && (got[0] != want[0] || got[1] != want[1])) {
			t.Errorf("%s lists needs %v, want %v", who, got, want)
		}
		for _, id := range []int64{private, shared} {
			one := api.get(t, tokens[who], "/needs/"+strconv.FormatInt(id, 10))
			visible := len(want) > 0
			if (one.StatusCode == http.StatusOK) != visible {
				t.Errorf("%s reads need %d: %d", who, id, one.StatusCode)
			}
			if !visible && strings.Contains(one.Body, "Private") {
				t.Errorf("%s's 404 tells the need's title", who)
			}
		}
		if n := srv.Statements(t, res); n > maxStatements {
			t.Errorf("a list as %s costs %d statements", who, n)
		}
	}
	// Progress is for the State and the Secretariat only.
	if l := decodeList(t, api.get(t, "", "/progress")); len(l.Items) != 0 {
		t.Errorf("anonymous reads %d progress reports", len(l.Items))
	}

	// A signed-in browser's cookies do not make it anyone: it reads what
	// the public reads, and the API sets no cookie.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/needs?state=KEN", nil)
	for _, ck := range focal.HTTP.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	res := api.do(t, req)
	if l := decodeList(t, res); len(l.Items) != 0 {
		t.Errorf("a session cookie authenticated the API: %d needs", len(l.Items))
	}
	if sc := res.Header.Values("Set-Cookie"); len(sc) > 0 {
		t.Errorf("the API set cookies: %v", sc)
	}

	// The description is served and rendered.
	docs := srv.Client().Get(t, "/api")
	for _, want := range []string{"GET /api/v1/needs", "GET /api/v1/contributions", "GET /api/v1/activities/{id}", "next_cursor", "Authorization: Bearer"} {
		if !strings.Contains(docs.Body, want) && !strings.Contains(docs.Body, strings.ReplaceAll(want, "/", "&#x2F;")) {
			t.Errorf("/api does not show %q", want)
		}
	}
}

func TestTheAPIRefusesBadInputAsProblemDocuments(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	api := newAPIClient(t, srv)
	for _, tc := range []struct {
		path   string
		status int
		says   string
	}{
		{"/needs?status=dreaming", http.StatusUnprocessableEntity, "status"},
		{"/needs?state=XYZ", http.StatusUnprocessableEntity, "no Member State"},
		{"/needs?colour=red", http.StatusUnprocessableEntity, "colour"},
		{"/needs?limit=500", http.StatusUnprocessableEntity, "limit"},
		{"/needs?cursor=not-a-cursor", http.StatusBadRequest, "cursor"},
		{"/states?cursor=%25%25", http.StatusBadRequest, "cursor"},
		{"/contributions?donor=atlantis", http.StatusUnprocessableEntity, "donor"},
		{"/needs/12345678", http.StatusNotFound, "not found"},
		{"/needs/abc", http.StatusUnprocessableEntity, "id"},
		{"/nothing-here", http.StatusNotFound, ""},
	} {
		res := api.get(t, "", tc.path)
		if res.StatusCode != tc.status || !strings.Contains(res.Body, tc.says) {
			t.Errorf("GET %s: %d %s, want %d mentioning %q", tc.path, res.StatusCode, res.Body, tc.status, tc.says)
		}
		var p struct {
			Title  string `json:"title"`
			Status int    `json:"status"`
		}
		if err := json.Unmarshal([]byte(res.Body), &p); err != nil || p.Status != tc.status || p.Title == "" {
			t.Errorf("GET %s: not a problem document: %s", tc.path, res.Body)
		}
	}
	bad := api.get(t, "not-a-token", "/needs")
	if bad.StatusCode != http.StatusUnauthorized || !strings.Contains(bad.Header.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("an unknown token: %d %q", bad.StatusCode, bad.Header.Get("WWW-Authenticate"))
	}
}

func TestAnAPIAnswerCarriesAnETagThatIfNoneMatchHonours(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	token := tokenFor(t, srv, "focal.ken@example.org", time.Now(), 30)
	api := newAPIClient(t, srv)

	first := api.get(t, token, "/needs")
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || etag == "" {
		t.Fatalf("no ETag: %d", first.StatusCode)
	}
	same := api.get(t, token, "/needs", "If-None-Match", etag)
	if same.StatusCode != http.StatusNotModified || same.Body != "" {
		t.Errorf("an unchanged list with its ETag: %d, %d bytes", same.StatusCode, len(same.Body))
	}
	createNeed(t, focal, "title", "A new need changes the list")
	changed := api.get(t, token, "/needs", "If-None-Match", etag)
	if changed.StatusCode != http.StatusOK || changed.Header.Get("ETag") == etag || !strings.Contains(changed.Body, "A new need changes the list") {
		t.Errorf("a changed list with the old ETag: %d", changed.StatusCode)
	}
	// The ETag of one caller's answer is not another's: anonymous sees
	// none of the drafts, so its answer and ETag differ.
	if anon := api.get(t, "", "/needs"); anon.Header.Get("ETag") == changed.Header.Get("ETag") {
		t.Error("anonymous and Kenya share an ETag")
	}
	if v := strings.Join(first.Header.Values("Vary"), ","); !strings.Contains(v, "Authorization") {
		t.Errorf("Vary is %q, want Authorization in it", v)
	}
}

func TestAPICursorsWalkAListOnceEvenWhenRecordsAreAddedMeanwhile(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t)
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	token := tokenFor(t, srv, "focal.ken@example.org", time.Now(), 30)
	var made []int64
	for i := range 5 {
		made = append(made, createNeed(t, focal, "title", "Need number "+strconv.Itoa(i)))
	}
	api := newAPIClient(t, srv)
	first := decodeList(t, api.get(t, token, "/needs?limit=2"))
	if len(first.Items) != 2 || first.NextCursor == "" || !strings.Contains(first.Next, "cursor=") || !strings.Contains(first.Next, "limit=2") {
		t.Fatalf("first page: %+v", first)
	}
	// Two needs recorded between the pages come first in the order (the
	// newest), so they do not push the next page's items around.
	createNeed(t, focal, "title", "Recorded meanwhile")
	createNeed(t, focal, "title", "Also recorded meanwhile")
	seen := first.ids()
	next := first.Next
	for next != "" {
		page := decodeList(t, api.get(t, token, strings.TrimPrefix(next, "/api/v1")))
		seen = append(seen, page.ids()...)
		next = page.Next
	}
	if len(seen) != len(made) {
		t.Fatalf("walked %v, want each of %v once", seen, made)
	}
	for i, id := range seen {
		if id != made[len(made)-1-i] {
			t.Errorf("item %d is need %d, want %d (newest first)", i, id, made[len(made)-1-i])
		}
	}
	// The reference lists page with a cursor too.
	states := decodeList(t, api.get(t, "", "/states?limit=100"))
	rest := decodeList(t, api.get(t, "", "/states?limit=100&cursor="+url.QueryEscape(states.NextCursor)))
	if len(states.Items) != 100 || len(rest.Items) != 93 || rest.NextCursor != "" || rest.Items[0].ISO3 <= states.Items[99].ISO3 {
		t.Errorf("the States come as %d then %d", len(states.Items), len(rest.Items))
	}
}

func TestAnAccessTokenWorksUntilItExpiresIsRevokedOrItsAccountIsDisabled(t *testing.T) {
	t.Parallel()
	srv := webtest.NewServer(t, func(c *web.Config) { c.APIPerMinute = 5 })
	focal := signedInAs(t, srv, "focal.ken@example.org", models.RoleFocalPoint, "KEN")
	signedInAs(t, srv, "focal.fra@example.org", models.RoleFocalPoint, "FRA")
	createNeed(t, focal, "title", "Only Kenya sees this", "visibility", "state")
	api := newAPIClient(t, srv)
	ctx := context.Background()

	// Expired: made ten days ago for five days.
	expired := tokenFor(t, srv, "focal.ken@example.org", time.Now().AddDate(0, 0, -10), 5)
	if res := api.get(t, expired, "/needs"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("an expired token: %d", res.StatusCode)
	}

	// Revoked.
	revoked := tokenFor(t, srv, "focal.ken@example.org", time.Now(), 30)
	if res := api.get(t, revoked, "/needs"); !strings.Contains(res.Body, "Only Kenya sees this") {
		t.Fatalf("a fresh token does not read Kenya's need: %d", res.StatusCode)
	}
	var tok struct {
		ID      int64
		UserID  int64
		Version int
	}
	srv.DB.Raw(`SELECT id, user_id, version FROM access_tokens ORDER BY id DESC LIMIT 1`).Scan(&tok)
	owner, _ := models.UserByID(ctx, srv.DB, tok.UserID)
	if err := models.RevokeAccessToken(ctx, srv.DB, &owner, tok.ID, tok.Version, models.AuditContext{Actor: &owner}); err != nil {
		t.Fatal(err)
	}
	if res := api.get(t, revoked, "/needs"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", res.StatusCode)
	}

	// Rate-limited per token: five a minute here, each token its own.
	limited := tokenFor(t, srv, "focal.fra@example.org", time.Now(), 30)
	var last *webtest.Response
	for range 6 {
		last = api.get(t, limited, "/states?limit=1")
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("the sixth request in a minute: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}

	// Disabled: the next request fails, no session to wait for.
	disabled := tokenFor(t, srv, "focal.ken@example.org", time.Now(), 30)
	if res := api.get(t, disabled, "/needs"); res.StatusCode != http.StatusOK {
		t.Fatalf("before disabling: %d", res.StatusCode)
	}
	if err := srv.DB.Exec(`UPDATE users SET status = 'disabled' WHERE email = 'focal.ken@example.org'`).Error; err != nil {
		t.Fatal(err)
	}
	if res := api.get(t, disabled, "/needs"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a disabled account's token: %d", res.StatusCode)
	}
}

// csvRows reads an export, header first.
func csvRows(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return rows
}

// walk reads every page of an API list.
func walk(t *testing.T, api *apiClient, token, path string) []json.RawMessage {
	t.Helper()
	var all []json.RawMessage
	for path != "" {
		res := api.get(t, token, path)
		var page struct {
			Items []json.RawMessage `json:"items"`
			Next  string            `json:"next"`
		}
		if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(res.Body), &page) != nil {
			t.Fatalf("GET %s: %d %s", path, res.StatusCode, truncateBody(res.Body))
		}
		all = append(all, page.Items...)
		path = strings.TrimPrefix(page.Next, "/api/v1")
	}
	return all
}

func TestTheExportsAndTheAPIGiveTheSameFilteredNeedsAndContributions(t *testing.T) {
	t.Parallel()
	cs := newContributionServer(t)
	srv := cs.srv
	need := createNeed(t, cs.clients["focal_ken"], "title", "Needs funding")
	addContributions(t, srv, 180, need)
	if err := srv.DB.Exec(`
		INSERT INTO needs (member_state_id, title, description, paragraphs, theme, priority, modality, estimated_cost, cost_currency,
			visibility, status, status_changed_at)
		SELECT s.id, 'Bulk need ' || g, '', ARRAY[2 + g % 5], 'criminal_justice', (ARRAY['high','medium','low'])[1 + g % 3], 'training',
			1000 * g, 'EUR', (ARRAY['public','donors','state'])[1 + g % 3], (ARRAY['submitted','under_review','draft'])[1 + g % 3], now()
		FROM generate_series(1, 140) AS g JOIN member_states s ON s.iso3 = (ARRAY['KEN','FRA','NGA'])[1 + g % 3]`).Error; err != nil {
		t.Fatal(err)
	}
	api := newAPIClient(t, srv)
	for _, who := range []string{"secretariat", "donor_nor", "focal_ken"} {
		token := tokenFor(t, srv, map[string]string{"secretariat": "secretariat@example.org", "donor_nor": "donor.nor@example.org",
			"focal_ken": "focal.ken@example.org"}[who], time.Now(), 30)
		for _, filter := range []string{"priority=high", "state=KEN&sort=title", "paragraph=3"} {
			exported := csvRows(t, cs.clients[who].Get(t, "/needs?format=csv&"+filter).Body)[1:]
			items := walk(t, api, token, "/needs?limit=37&"+filter)
			if len(items) != len(exported) {
				t.Errorf("%s, needs?%s: %d exported, %d through the API", who, filter, len(exported), len(items))
				continue
			}
			costCol := indexOf(csvRows(t, cs.clients[who].Get(t, "/needs?format=csv&"+filter).Body)[0], "Estimated cost (amount)")
			for i, raw := range items {
				var n struct {
					ID            int64 `json:"id"`
					State         string
					EstimatedCost *struct{ Amount, Currency string } `json:"estimated_cost"`
				}
				_ = json.Unmarshal(raw, &n)
				row := exported[i]
				if strconv.FormatInt(n.ID, 10) != row[0] || n.State != row[1] {
					t.Errorf("%s, needs?%s, row %d: API %d %s, export %s %s", who, filter, i, n.ID, n.State, row[0], row[1])
					break
				}
				if n.EstimatedCost != nil && !sameAmount(n.EstimatedCost.Amount, row[costCol]) {
					t.Errorf("need %d costs %s in the API, %s in the export", n.ID, n.EstimatedCost.Amount, row[costCol])
				}
			}
		}
		for _, filter := range []string{"status=paid", "kind=in_kind&sort=amount", "recipient=KEN", "year=2026&verified=no"} {
			exported := csvRows(t, cs.clients[who].Get(t, "/contributions?format=csv&"+filter).Body)
			header, rows := exported[0], exported[1:]
			amountCol := indexOf(header, "Amount")
			items := walk(t, api, token, "/contributions?limit=41&"+filter)
			if len(items) != len(rows) {
				t.Errorf("%s, contributions?%s: %d exported, %d through the API", who, filter, len(rows), len(items))
				continue
			}
			for i, raw := range items {
				var c struct {
					ID     int64  `json:"id"`
					Donor  string `json:"donor"`
					Amount struct{ Amount, Currency string }
				}
				_ = json.Unmarshal(raw, &c)
				if strconv.FormatInt(c.ID, 10) != rows[i][0] || c.Donor != rows[i][1] ||
					(amountCol >= 0 && !sameAmount(c.Amount.Amount, rows[i][amountCol])) {
					t.Errorf("%s, contributions?%s, row %d: API %+v, export %v", who, filter, i, c, rows[i])
					break
				}
			}
		}
	}
}

func indexOf(header []string, prefix string) int {
	for i, h := range header {
		if strings.HasPrefix(h, prefix) {
			return i
		}
	}
	return -1
}

func sameAmount(a, b string) bool {
	x, err1 := decimal.NewFromString(a)
	y, err2 := decimal.NewFromString(b)
	return err1 == nil && err2 == nil && x.Equal(y)
}

func TestEveryAPIListAnswersAsItsDescriptionSays(t *testing.T) {
	t.Parallel()
	cs := newContributionServer(t)
	srv := cs.srv
	need := createNeed(t, cs.clients["focal_ken"], "title", "Described need", "visibility", "public")
	addContributions(t, srv, 30, need)
	api := newAPIClient(t, srv)
	token := tokenFor(t, srv, "secretariat@example.org", time.Now(), 30)
	for _, path := range []string{
		"/paragraphs", "/paragraphs/2", "/states?group=african", "/states/KEN", "/instruments", "/treaty-status?state=KEN",
		"/treaty-status?group=western_european_other&limit=5", "/periods", "/donors", "/donors/norway", "/donors?sort=funding",
		"/needs", "/needs?funding=gap", "/needs?sort=gap",
		"/contributions", "/contributions?sort=amount&limit=3", "/activities", "/activities?kind=training_course", "/progress?state=KEN",
	} {
		for _, tok := range []string{"", token} {
			res := api.get(t, tok, path)
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d %s", path, res.StatusCode, truncateBody(res.Body))
			}
			if n := srv.Statements(t, res); n > maxStatements {
				t.Errorf("GET %s costs %d statements", path, n)
			}
		}
	}
	// The need is a draft: its State and the Secretariat read it.
	if res := api.get(t, token, "/needs/"+strconv.FormatInt(need, 10)); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Described need") {
		t.Errorf("the Secretariat reads a draft need: %d", res.StatusCode)
	}
	var c struct {
		ID int64 `json:"id"`
	}
	l := decodeList(t, api.get(t, token, "/contributions?limit=1"))
	c.ID = l.Items[0].ID
	one := api.get(t, token, "/contributions/"+strconv.FormatInt(c.ID, 10))
	if one.StatusCode != http.StatusOK || !strings.Contains(one.Body, `"amount":{"amount":"`) {
		t.Errorf("a contribution: %d %s", one.StatusCode, truncateBody(one.Body))
	}
}

func TestBrowserTheAPIDescriptionIsAccessibleAndFitsAPhone(t *testing.T) {
	srv := webtest.NewServer(t)
	b := webtest.NewBrowserAs(t, "anonymous")
	b.Step("open the API's description", chromedp.Navigate(srv.URL+"/api"))
	if vs := webtest.SeriousOrWorse(b.Axe(t, "/api")); len(vs) > 0 {
		t.Error(webtest.FormatViolations("/api", vs))
	}
	for _, width := range []int{laptopWidth, phoneWidth} {
		b.SetViewport(width, 800)
		for _, o := range b.Overflow(t, "/api") {
			if !o.Scrolls || width > phoneWidth {
				t.Errorf("/api at %d px: %s overflows (%+v)", width, o.Path, o)
			}
		}
	}
	if !b.Exists(`#list-needs table.api-params`) || !b.Exists(`#list-needs table.api-fields`) {
		t.Error("the needs list's parameters or fields are not shown")
	}
}
