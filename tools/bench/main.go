// Command bench drives a running ctap with a load generator (vegeta) and
// reports, per page: requests/s, p50, p99, errors, SQL statements per
// request (from the server's own metric) and the server's peak memory. It
// writes the figures as JSON and compares them with an earlier run,
// flagging a page more than 20% slower. `make bench` builds the server,
// loads the scale data, starts it and runs this.
//
// The server, PostgreSQL and the load generator share the same cores, so a
// page's requests/s means little alone. The bench therefore also measures
// PostgreSQL alone: it has the server record one request's statements
// (X-Bench-Record-SQL, with CTAP_BENCH_SQL_DIR set on the server), replays
// them as one set per iteration over as many connections for as long, and
// reports the page's requests/s as a share of those sets/s. The project's
// bar is stated that way (see checkBar).
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// page is one address to drive, as one role.
type page struct {
	Name  string // what the report calls it
	Path  string
	Route string // the route pattern, for the statement metric
	As    string // demo account email, "" for anonymous; "token:" + email for the API with that account's token
	// Rate, when not 0, paces the requests at that many a second (open
	// loop) instead of keeping every connection busy: the latency a page
	// shows under a steady load, rather than at the machine's saturation,
	// where a closed loop's latency is its connections over its rate.
	Rate int
}

// viaToken marks a page driven with a personal access token of the
// account that follows, as a partner system calls the API.
const viaToken = "token:"

var pages = []page{
	{"home", "/", "/", "", 0},
	{"resolution", "/paragraphs", "/paragraphs", "", 0},
	{"paragraph", "/paragraphs/15", "/paragraphs/:n", "", 0},
	{"states", "/states", "/states", "", 0},
	{"state", "/states/KEN", "/states/:iso3", "", 0},
	{"instruments", "/instruments", "/instruments", "", 0},
	{"donors", "/donors", "/donors", "", 0},
	{"state (focal point)", "/states/KEN", "/states/:iso3", "focal.ken@example.org", 0},
	{"account (viewer)", "/account", "/account", "viewer@example.org", 0},
	{"users, 50 rows (admin)", "/admin/users", "/admin/users", "admin@example.org", 0},
	{"audit, 50 rows (admin)", "/admin/audit", "/admin/audit", "admin@example.org", 0},
	{"needs, 50 rows (focal point)", "/needs", "/needs", "focal.ken@example.org", 0},
	{"needs, 50 rows (Secretariat)", "/needs", "/needs", "secretariat@example.org", 0},
	{"state (Secretariat)", "/states/KEN", "/states/:iso3", "secretariat@example.org", 0},
	{"progress (focal point)", "/states/KEN/progress", "/states/:iso3/progress", "focal.ken@example.org", 0},
	{"instruments (focal point)", "/instruments", "/instruments", "focal.ken@example.org", 0},
	{"review queue (Secretariat)", "/review", "/review", "secretariat@example.org", 0},
	{"needs CSV, 1,000 rows (Secretariat)", "/needs?" + exportFilter + "&format=csv", "/needs", "secretariat@example.org", 0},
	{"contributions, 50 rows (donor)", "/contributions", "/contributions", "donor.nor@example.org", 0},
	{"contributions, 50 rows (Secretariat)", "/contributions", "/contributions", "secretariat@example.org", 0},
	{"needs with a funding gap, 50 rows (donor)", "/needs?funding=gap&sort=gap", "/needs", "donor.nor@example.org", 0},
	{"donor page with charts", "/donors/" + iatiDonor, "/donors/:slug", "", 0},
	{"donor page with charts (donor)", "/donors/" + iatiDonor, "/donors/:slug", "donor.nor@example.org", 0},
	{"IATI file, public contributions of a donor", "/donors/" + iatiDonor + "/iati.xml", "/donors/:slug/iati.xml", "", 0},
	{"activities, 50 rows (Secretariat)", "/activities", "/activities", "secretariat@example.org", 0},
	{"activities, 50 rows, anonymous", "/activities", "/activities", "", 0},
	{"dashboard (Secretariat)", "/dashboard", "/dashboard", "secretariat@example.org", 0},
	{"dashboard (focal point)", "/dashboard", "/dashboard", "focal.ken@example.org", 0},
	// The demo's 2016 report (the first report of the fresh database), and
	// its DOCX, rendered from the stored report whatever the data's size.
	{"report of the Secretary-General (Secretariat)", "/reports/1", "/reports/:id", "secretariat@example.org", 0},
	{"report DOCX (Secretariat)", "/reports/1/report.docx", "/reports/:id/report.docx", "secretariat@example.org", 0},
	// A search over every kind, words common in the scale data's titles.
	{"search (Secretariat)", "/search?q=" + searchWords, "/search", "secretariat@example.org", 0},
	{"search, anonymous", "/search?q=" + searchWords, "/search", "", 0},
	// The same at a steady 100 searches a second, well above what the
	// portal's few hundred users could send: the latency a person sees.
	{"search at 100/s (Secretariat)", "/search?q=" + searchWords, "/search", "secretariat@example.org", 100},
	{"search at 100/s, anonymous", "/search?q=" + searchWords, "/search", "", 100},
	// The JSON API: two lists of 50, as a partner system reads them.
	{"API needs, 50 items (Secretariat token)", "/api/v1/needs", "/api/v1/needs", viaToken + "secretariat@example.org", 0},
	{"API contributions, 50 items (donor token)", "/api/v1/contributions", "/api/v1/contributions", viaToken + "donor.nor@example.org", 0},
	{"API contributions, 50 items, anonymous", "/api/v1/contributions", "/api/v1/contributions", "", 0},
}

// searchWords are what the bench searches for: a State's name, which its
// scale needs' descriptions and the State itself hold (about a hundred
// hits of 170,000 records; a word every record holds is another matter,
// see the README).
const searchWords = "Kenya"

// iatiDonor is the organization whose page and IATI file are driven: at
// scale 10 about 1,400 of its 2,900 contributions are public.
const iatiDonor = "norway"

// exportFilter picks about 1,000 of the 20,000 needs the bench's 10 units
// of `ctap seed --scale` add: the needs of one of the seventeen themes
// (1,185 at scale 10).
const exportFilter = "theme=criminal_justice"

// Result is one page's figures.
type Result struct {
	Page          string  `json:"page"`
	Path          string  `json:"path"`
	As            string  `json:"as"`
	RequestsPerS  float64 `json:"requests_per_s"`
	P50Ms         float64 `json:"p50_ms"`
	P99Ms         float64 `json:"p99_ms"`
	Errors        uint64  `json:"errors"`
	Requests      uint64  `json:"requests"`
	SQLPerRequest float64 `json:"sql_per_request"`
	PeakRSSMB     float64 `json:"peak_rss_mb"`
	// PGAloneRequestsPerS is how many times per second PostgreSQL alone
	// ran the page's statements (one recorded request's, in order) over
	// the same connections; RatioVsPG is RequestsPerS as a percentage of
	// it. Both are absent for a page that issues no statement.
	PGAloneRequestsPerS float64 `json:"pg_alone_requests_per_s,omitempty"`
	RatioVsPG           float64 `json:"ratio_vs_pg,omitempty"`
}

// Report is a whole run.
type Report struct {
	Date        string   `json:"date"`
	Connections int      `json:"connections"`
	DurationS   float64  `json:"duration_s"`
	Results     []Result `json:"results"`
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8099", "the running ctap")
	pid := flag.Int("pid", 0, "the server's process ID, for its memory")
	conns := flag.Int("connections", 16, "concurrent connections")
	duration := flag.Duration("duration", 20*time.Second, "how long to drive each page")
	warmup := flag.Duration("warmup", 2*time.Second, "warm-up before each page's measurement")
	password := flag.String("password", "demo", "the demo accounts' password")
	out := flag.String("out", "bench/out/results.json", "where to write the figures")
	compare := flag.String("compare", "", "an earlier results file to compare with (default: the previous -out, else bench/baseline.json)")
	database := flag.String("database", os.Getenv("DATABASE_URL"), "the server's database, to measure PostgreSQL alone (default $DATABASE_URL)")
	sqlDir := flag.String("sql-dir", os.Getenv("CTAP_BENCH_SQL_DIR"), "where the server records a request's statements: its CTAP_BENCH_SQL_DIR (default $CTAP_BENCH_SQL_DIR)")
	only := flag.String("pages", "", "drive only the pages whose name contains one of these comma-separated texts")
	profiles := flag.String("pprof", os.Getenv("CTAP_PPROF_ADDR"), "the server's profiles listener (its CTAP_PPROF_ADDR): a CPU profile of each page's measured run and a heap profile after it go to bench/out/{cpu,heap}-<page>.pprof")
	flag.Parse()
	var drive []page
	for _, p := range pages {
		for _, text := range strings.Split(*only, ",") {
			if strings.Contains(p.Name, text) {
				drive = append(drive, p)
				break
			}
		}
	}

	// PostgreSQL alone gets a pool the size of the load generator's
	// connections, as the page does.
	var pg *sql.DB
	switch {
	case *database == "" || *sqlDir == "":
		fmt.Fprintln(os.Stderr, "bench: no -database or -sql-dir: PostgreSQL alone is not measured")
	default:
		var err error
		if pg, err = openPostgres(*database, *conns); err != nil {
			fail("%v", err)
		}
		defer pg.Close()
	}

	if *compare == "" {
		for _, f := range []string{*out, "bench/baseline.json"} {
			if _, err := os.Stat(f); err == nil {
				*compare = f
				break
			}
		}
	}
	var previous *Report
	if *compare != "" {
		if b, err := os.ReadFile(*compare); err == nil {
			previous = &Report{}
			if err := json.Unmarshal(b, previous); err != nil {
				previous = nil
			}
		}
	}

	cookies := map[string]string{}
	for _, p := range drive {
		if p.As == "" || cookies[p.As] != "" {
			continue
		}
		email := strings.TrimPrefix(p.As, viaToken)
		c, err := signIn(*base, email, *password)
		if err != nil {
			fail("sign in as %s: %v", email, err)
		}
		cookies[p.As] = c
		if strings.HasPrefix(p.As, viaToken) {
			if cookies[p.As], err = createToken(*base, c); err != nil {
				fail("a token for %s: %v", email, err)
			}
		}
	}

	report := Report{Date: time.Now().UTC().Format(time.RFC3339), Connections: *conns, DurationS: duration.Seconds()}
	var lists []Result // the pages the bar is about
	for _, p := range drive {
		header := http.Header{"Accept-Encoding": {"gzip"}}
		switch {
		case strings.HasPrefix(p.As, viaToken):
			header.Set("Authorization", "Bearer "+cookies[p.As])
		case p.As != "":
			header.Set("Cookie", cookies[p.As])
		}

		// PostgreSQL alone first, on the statements of one request, so
		// that its recording request is not counted in the page's metric.
		var pgRate float64
		recorded := -1 // statements replayed; -1 when not measured
		if pg != nil && p.Rate == 0 {
			statements, err := recordStatements(*base+p.Path, header, *sqlDir, slug(p.Name))
			if err != nil {
				fmt.Fprintf(os.Stderr, "bench: %s: PostgreSQL alone not measured: %v\n", p.Name, err)
			} else {
				recorded = len(statements)
			}
			if len(statements) > 0 {
				replay(pg, statements, *conns, *warmup) // warm-up, not measured
				var failed int
				pgRate, failed, err = replay(pg, statements, *conns, *duration)
				if err != nil {
					fmt.Fprintf(os.Stderr, "bench: %s: %d sets failed on PostgreSQL alone, the first with: %v\n", p.Name, failed, err)
				}
			}
		}

		target := vegeta.Target{Method: http.MethodGet, URL: *base + p.Path, Header: header}
		attack(target, *conns, p.Rate, *warmup, nil) // warm-up, not measured
		sumBefore, countBefore := sqlMetric(*base, p.Route)
		mem := startMemorySampler(*pid)
		profiled := startProfile(*profiles, slug(p.Name), *duration)
		var m vegeta.Metrics
		attack(target, *conns, p.Rate, *duration, &m)
		peak := mem.stop()
		if err := profiled(); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %s: no profile: %v\n", p.Name, err)
		}
		sumAfter, countAfter := sqlMetric(*base, p.Route)
		r := Result{
			Page: p.Name, Path: p.Path, As: p.As,
			RequestsPerS: round(m.Throughput, 0),
			P50Ms:        round(float64(m.Latencies.P50)/1e6, 2),
			P99Ms:        round(float64(m.Latencies.P99)/1e6, 2),
			Requests:     m.Requests,
			PeakRSSMB:    round(peak, 1),
		}
		for code, n := range m.StatusCodes {
			if code != "200" {
				r.Errors += uint64(n)
			}
		}
		if dc := countAfter - countBefore; dc > 0 {
			r.SQLPerRequest = round((sumAfter-sumBefore)/dc, 2)
		}
		// A paced page's rate is the pace asked: no ceiling to compare.
		if pgRate > 0 && p.Rate == 0 {
			r.PGAloneRequestsPerS = round(pgRate, 0)
			r.RatioVsPG = round(r.RequestsPerS/pgRate*100, 1)
		}
		report.Results = append(report.Results, r)
		if isSignedInList(p) {
			lists = append(lists, r)
		}
		fmt.Fprintf(os.Stderr, "%-28s %8.0f req/s  p99 %6.2f ms  PG alone %8.0f sets/s of %d statements\n",
			p.Name, r.RequestsPerS, r.P99Ms, r.PGAloneRequestsPerS, recorded)
		// A replay is only a fair yardstick if the recorded request did
		// what the measured ones did.
		if recorded >= 0 && r.SQLPerRequest > 0 && (float64(recorded) < r.SQLPerRequest-0.5 || float64(recorded) > r.SQLPerRequest+0.5) {
			fmt.Fprintf(os.Stderr, "bench: %s: replayed %d statements but the page issued %.2f per request\n", p.Name, recorded, r.SQLPerRequest)
		}
	}

	print(report, previous)
	printBar(lists)
	if err := os.MkdirAll(dirOf(*out), 0o755); err == nil {
		b, _ := json.MarshalIndent(report, "", "  ")
		if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
			fail("write %s: %v", *out, err)
		}
		fmt.Printf("\nfigures written to %s", *out)
		if previous != nil {
			fmt.Printf(" (compared with %s)", *compare)
		}
		fmt.Println()
	}
}

// attack drives t for d over conns connections: as fast as they go, or at
// rate requests a second when rate is not 0.
func attack(t vegeta.Target, conns, rate int, d time.Duration, m *vegeta.Metrics) {
	a := vegeta.NewAttacker(
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow), vegeta.Timeout(10*time.Second),
	)
	pace := vegeta.Rate{Freq: rate, Per: time.Second}
	for res := range a.Attack(vegeta.NewStaticTargeter(t), pace, d, "bench") {
		if m != nil {
			m.Add(res)
		}
	}
	if m != nil {
		m.Close()
	}
}

// print writes the table, flagging pages more than 20% slower than before.
func print(r Report, previous *Report) {
	before := map[string]Result{}
	if previous != nil {
		for _, p := range previous.Results {
			before[p.Page] = p
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\treq/s\tp50 ms\tp99 ms\terrors\tSQL/req\tpeak MB\tPG req/s\tvs PG\t\t")
	for _, p := range r.Results {
		flag := ""
		if b, ok := before[p.Page]; ok {
			if p.RequestsPerS < b.RequestsPerS*0.8 || p.P99Ms > b.P99Ms*1.2 {
				flag = fmt.Sprintf("SLOWER than before (%.0f req/s, p99 %.2f ms)", b.RequestsPerS, b.P99Ms)
			}
		}
		pgRate, vsPG := "—", "—"
		if p.PGAloneRequestsPerS > 0 {
			pgRate = fmt.Sprintf("%.0f", p.PGAloneRequestsPerS)
			vsPG = fmt.Sprintf("%.0f%%", p.RatioVsPG)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.2f\t%d\t%.1f\t%.1f\t%s\t%s\t%s\t\n", p.Page, p.RequestsPerS, p.P50Ms, p.P99Ms, p.Errors, p.SQLPerRequest, p.PeakRSSMB, pgRate, vsPG, flag)
	}
	tw.Flush()
}

// The project's performance bar for a signed-in 50-row list.
const (
	barRatioVsPG = 40.0 // % of what PostgreSQL alone does for the same statements, at least
	barP99Ms     = 50.0 // under
	barPeakMB    = 60.0 // under
)

// isSignedInList tells whether the bar applies to p: a signed-in list of
// 50 rows, as its name says.
func isSignedInList(p page) bool {
	return p.As != "" && strings.Contains(p.Name, "50 rows")
}

// checkBar says what keeps a signed-in list's figures from the bar;
// nothing when it meets it.
func checkBar(r Result) []string {
	var misses []string
	switch {
	case r.PGAloneRequestsPerS == 0:
		misses = append(misses, "PostgreSQL alone not measured")
	case r.RatioVsPG < barRatioVsPG:
		misses = append(misses, fmt.Sprintf("%.0f%% of PostgreSQL alone, want at least %.0f%%", r.RatioVsPG, barRatioVsPG))
	}
	if r.P99Ms >= barP99Ms {
		misses = append(misses, fmt.Sprintf("p99 %.2f ms, want under %.0f ms", r.P99Ms, barP99Ms))
	}
	switch {
	case r.PeakRSSMB == 0:
		misses = append(misses, "peak memory not measured (give -pid)")
	case r.PeakRSSMB >= barPeakMB:
		misses = append(misses, fmt.Sprintf("peak %.1f MB, want under %.0f MB", r.PeakRSSMB, barPeakMB))
	}
	if r.Errors > 0 {
		misses = append(misses, fmt.Sprintf("%d errors", r.Errors))
	}
	return misses
}

// printBar reports each signed-in list against the bar. It is a report,
// not a gate: the exit status does not change.
func printBar(lists []Result) {
	if len(lists) == 0 {
		return
	}
	fmt.Printf("\nthe bar for a signed-in 50-row list: at least %.0f%% of PostgreSQL alone, p99 under %.0f ms, under %.0f MB\n",
		barRatioVsPG, barP99Ms, barPeakMB)
	for _, r := range lists {
		if misses := checkBar(r); len(misses) > 0 {
			fmt.Printf("  BAR NOT MET: %s: %s\n", r.Page, strings.Join(misses, "; "))
		} else {
			fmt.Printf("  met: %s: %.0f%% of PostgreSQL alone, p99 %.2f ms, peak %.1f MB\n", r.Page, r.RatioVsPG, r.P99Ms, r.PeakRSSMB)
		}
	}
}

// slug is a page's name as the server accepts it for a recording's file
// (lower-case letters, digits and hyphens).
func slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			hyphen = false
		} else {
			hyphen = true
		}
	}
	return b.String()
}

// recordStatements has the server record the statements of one request
// for url (see ctap's CTAP_BENCH_SQL_DIR) and returns them in order. The
// page is fetched once beforehand: a first visit may write the session,
// which the measured requests do not do.
func recordStatements(url string, header http.Header, dir, name string) ([]string, error) {
	path := filepath.Join(dir, name+".sql")
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove the previous recording: %w", err)
	}
	for _, record := range []bool{false, true} {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header = header.Clone()
		if record {
			req.Header.Set("X-Bench-Record-SQL", name)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", url, err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("fetch %s: %w", url, err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fetch %s: %s", url, resp.Status)
		}
	}
	// The server writes the file before it finishes the answer; a moment's
	// grace covers a slow disk all the same.
	var b []byte
	var err error
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if b, err = os.ReadFile(path); err == nil || !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("read the recording (is the server's CTAP_BENCH_SQL_DIR %s?): %w", dir, err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil, nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n-- next\n"), nil
}

func openPostgres(dsn string, conns int) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dsn, err)
	}
	// The server's sessions run without the JIT compiler (models.Open);
	// PostgreSQL alone runs the same statements the same way.
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to the database for PostgreSQL alone: %w", err)
	}
	return db, nil
}

// replay runs the statements in order, one set after another, on conns
// connections for d, reading every row of every result, and returns the
// sets per second completed without error, the sets that failed and the
// first failure.
func replay(db *sql.DB, statements []string, conns int, d time.Duration) (setsPerS float64, failed int, firstErr error) {
	// The deadline only stops a statement stuck far past the run; the run
	// itself ends when each worker finishes the set it is in after d.
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	var (
		mu   sync.Mutex
		done int
		wg   sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker keeps one connection, as a request would for
			// its statements were it alone.
			conn, err := db.Conn(ctx)
			var ok, bad int
			var first error
			if err != nil {
				bad, first = 1, fmt.Errorf("connect: %w", err)
			} else {
				defer conn.Close()
				for time.Now().Before(end) {
					if err := runSet(ctx, conn, statements); err != nil {
						bad++
						if first == nil {
							first = err
						}
						continue
					}
					ok++
				}
			}
			mu.Lock()
			done += ok
			failed += bad
			if firstErr == nil {
				firstErr = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(done) / time.Since(start).Seconds(), failed, firstErr
}

// runSet runs one request's statements and reads all that they return, as
// the server would, but into raw bytes: decoding is the server's work.
func runSet(ctx context.Context, conn *sql.Conn, statements []string) error {
	for _, s := range statements {
		if err := readAll(ctx, conn, s); err != nil {
			return fmt.Errorf("%.80q: %w", s, err)
		}
	}
	return nil
}

func readAll(ctx context.Context, conn *sql.Conn, statement string) error {
	rows, err := conn.QueryContext(ctx, statement)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	raw := make([]sql.RawBytes, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// signIn goes through the development provider as a browser would and
// returns the session cookies.
func signIn(base, email, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/auth/login")
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	form := resp.Request.URL
	if resp.StatusCode != http.StatusOK || !strings.Contains(form.Path, "/login") {
		return "", fmt.Errorf("expected the provider's sign-in form, got %s %s", resp.Status, form)
	}
	resp, err = c.PostForm(form.String(), url.Values{
		"username": {email}, "password": {password}, "authRequestID": {form.Query().Get("authRequestID")},
	})
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign-in ended with %s at %s", resp.Status, resp.Request.URL)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

// tokenSecret finds a new token's secret on the page that shows it.
var tokenSecret = regexp.MustCompile(`ctap_[A-Za-z0-9_-]{43}`)

// csrfField finds a form's CSRF token.
var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// createToken makes a personal access token through /account/tokens, as
// its owner would, with the session cookies given, and returns its secret.
func createToken(base, cookies string) (string, error) {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	var cks []*http.Cookie
	for _, part := range strings.Split(cookies, "; ") {
		if name, value, ok := strings.Cut(part, "="); ok {
			cks = append(cks, &http.Cookie{Name: name, Value: value})
		}
	}
	jar.SetCookies(u, cks)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/account/tokens")
	if err != nil {
		return "", err
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	m := csrfField.FindSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("the tokens page answered %s without a form", resp.Status)
	}
	resp, err = c.PostForm(base+"/account/tokens", url.Values{"_csrf": {string(m[1])}, "name": {"bench"},
		"expires_on": {time.Now().UTC().AddDate(0, 0, 7).Format(time.DateOnly)}})
	if err != nil {
		return "", err
	}
	page, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", err
	}
	secret := tokenSecret.Find(page)
	if secret == nil {
		return "", fmt.Errorf("creating a token answered %s without a secret", resp.Status)
	}
	return string(secret), nil
}

// sqlMetric reads the server's statements-per-request histogram for a
// GET route: its sum and count.
func sqlMetric(base, route string) (sum, count float64) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	label := `{method="GET",route="` + route + `"}`
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "ctap_sql_statements_per_request_sum"+label):
			sum, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		case strings.HasPrefix(line, "ctap_sql_statements_per_request_count"+label):
			count, _ = strconv.ParseFloat(strings.Fields(line)[1], 64)
		}
	}
	return sum, count
}

// memorySampler reads the server's resident memory every 50 ms.
type memorySampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  float64
}

func startMemorySampler(pid int) *memorySampler {
	s := &memorySampler{stopc: make(chan struct{})}
	if pid == 0 {
		return s
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if mb := rssMB(pid); mb > s.peak {
				s.peak = mb
			}
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *memorySampler) stop() float64 {
	close(s.stopc)
	s.wg.Wait()
	return s.peak
}

func rssMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func round(f float64, digits int) float64 {
	p := 1.0
	for i := 0; i < digits; i++ {
		p *= 10
	}
	return float64(int64(f*p+0.5)) / p
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}
