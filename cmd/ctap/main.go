// Command ctap is the CTAP portal: one binary for migrating the database,
// loading demo data, importing resolutions and serving the portal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"gorm.io/gorm"

	"ctap/migrations"
	"ctap/models"
	"ctap/models/resolution"
	"ctap/web"
	"ctap/web/devidp"
	"ctap/web/i18n"
)

const usage = `ctap: the Counter-Terrorism Technical Assistance Portal

Usage:
  ctap migrate                 apply pending schema migrations
  ctap migrate status          list migrations and whether each is applied
  ctap seed --demo             load clearly labelled synthetic demo data
  ctap seed --scale N          load production-scale synthetic data (N units)
  ctap import-resolution FILE  import a later resolution from its official text
  ctap serve                   run the production server
  ctap dev                     migrate, seed the demo and serve with the
                               development OpenID Provider
  ctap users grant-admin EMAIL make the account with this email an admin
                               (recovery; an admin invitation if none yet)
  ctap --help                  this text

Environment:
  DATABASE_URL               PostgreSQL URL (required), e.g.
                             postgres://ctap@127.0.0.1:5432/ctap?sslmode=disable
  CTAP_ADDR                  listen address (serve: :8080; dev: 127.0.0.1:8080)
  CTAP_BASE_URL              public URL of the portal (required for serve)
  CTAP_AUTO_MIGRATE          true: serve applies pending migrations at start
  CTAP_DB_MAX_OPEN_CONNS     database pool size (20)
  CTAP_DB_MAX_IDLE_CONNS     idle connections kept (as many as open)
  CTAP_DB_CONN_MAX_LIFETIME  recycle connections after (30m)
  CTAP_BODY_LIMIT            largest request body accepted (2M)
  CTAP_SHUTDOWN_TIMEOUT      time to drain requests on SIGTERM (20s)
  CTAP_LOG_LEVEL             debug, info, warn or error (info)
  OIDC_ISSUER                the OpenID Provider's issuer URL (required for
                             serve unless CTAP_DEV_IDP=true)
  OIDC_CLIENT_ID             CTAP's client ID at the provider
  OIDC_CLIENT_SECRET         CTAP's client secret at the provider
  OIDC_SCOPES                scopes to ask for (openid email profile)
  OIDC_GROUPS_CLAIM          ID-token claim listing groups (groups)
  OIDC_GROUP_ROLES           group=role[:scope] pairs, e.g.
                             ctap-admins=admin,ctap-kenya=focal_point:KEN
  CTAP_BOOTSTRAP_ADMINS      emails that become admins at first sign-in
  CTAP_DEV_IDP               true: mount the development provider at /dev-idp
                             (always under dev; never in production)
  CTAP_SESSION_LIFETIME      absolute session lifetime (12h)
  CTAP_SESSION_IDLE_TIMEOUT  idle timeout (1h)
  CTAP_SIGNIN_RATE           sign-in attempts per minute per address (20)
  CTAP_TRUST_PROXY           true: client address from X-Forwarded-For
  CTAP_SMTP_URL              mail server, smtp://user:pass@host:587 (STARTTLS
                             when offered) or smtps://host:465; unset: no
                             email, notifications stay in the portal
  CTAP_MAIL_FROM             the address emails come from (required with
                             CTAP_SMTP_URL)
  CTAP_JOBS                  false: this process does not send emails and
                             reminders (another replica does) (true)
  CTAP_REMINDER_DAYS         days before a period's due date on which States
                             that have not reported are reminded (14,3);
                             overdue States are reminded once a week
  CTAP_DASHBOARD_CACHE_TTL   how long the dashboards' figures are kept, one
                             copy per visibility class, before they are
                             added up again (1m; 0: every request)
  CTAP_CONTACT_EMAIL         the administrators' address, given to accounts
                             awaiting approval and to disabled ones (unset:
                             "contact the administrators", no address)
  CTAP_MAILPIT_URL           development only: Mailpit's API, shown at
                             /dev-mail (make run sets it)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ctap:", err)
		os.Exit(1)
	}
}

// run dispatches a command; it is main without the process around it.
func run(ctx context.Context, args []string, env web.Getenv, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return errors.New("no command given")
		}
		return nil
	}
	switch args[0] {
	case "migrate":
		return cmdMigrate(ctx, args[1:], env, stdout)
	case "seed":
		return cmdSeed(ctx, args[1:], env, stdout)
	case "import-resolution":
		return cmdImportResolution(ctx, args[1:], env, stdout)
	case "serve":
		return cmdServe(ctx, env, stderr, web.ModeServe)
	case "dev":
		return cmdServe(ctx, env, stderr, web.ModeDev)
	case "users":
		return cmdUsers(ctx, args[1:], env, stdout)
	}
	return fmt.Errorf("unknown command %q (see ctap --help)", args[0])
}

func newLogger(w io.Writer, mode web.Mode, level string) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(level)))
	opts := &slog.HandlerOptions{Level: lvl}
	if mode == web.ModeServe {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB reads the configuration for mode and connects.
func openDB(ctx context.Context, env web.Getenv, mode web.Mode) (web.Config, *gorm.DB, error) {
	cfg, err := web.LoadConfig(env, mode)
	if err != nil {
		return cfg, nil, err
	}
	db, err := models.Open(ctx, cfg.DatabaseURL, cfg.Pool)
	if err != nil {
		return cfg, nil, err
	}
	return cfg, db, nil
}

func cmdMigrate(ctx context.Context, args []string, env web.Getenv, out io.Writer) error {
	_, db, err := openDB(ctx, env, web.ModeCLI)
	if err != nil {
		return err
	}
	sqlDB, _ := db.DB()
	defer sqlDB.Close()
	if len(args) == 1 && args[0] == "status" {
		p, err := migrations.NewProvider(sqlDB, nil)
		if err != nil {
			return err
		}
		status, err := p.Status(ctx)
		if err != nil {
			return fmt.Errorf("migrate status: %w", err)
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tSTATE\tAPPLIED AT\tSOURCE")
		for _, s := range status {
			at := "-"
			if !s.AppliedAt.IsZero() {
				at = s.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", s.Source.Version, s.State, at, s.Source.Path)
		}
		return tw.Flush()
	}
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no argument but status, got %q", strings.Join(args, " "))
	}
	res, err := migrations.Up(ctx, sqlDB, nil)
	if err != nil {
		return err
	}
	if len(res) == 0 {
		fmt.Fprintln(out, "database schema is current")
	}
	for _, r := range res {
		fmt.Fprintf(out, "applied %d %s (%s)\n", r.Source.Version, r.Source.Path, r.Duration.Round(1e6))
	}
	return nil
}

func cmdSeed(ctx context.Context, args []string, env web.Getenv, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(out)
	demo := fs.Bool("demo", false, "load the synthetic demo data")
	scale := fs.Int("scale", 0, "load production-scale synthetic data, N units")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo && *scale == 0 {
		return errors.New("seed needs --demo or --scale N")
	}
	db, closeDB, err := openCurrentDB(ctx, env)
	if err != nil {
		return err
	}
	defer closeDB()
	if *demo {
		summary, err := models.SeedDemo(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, summary)
	}
	if *scale != 0 {
		summary, err := models.SeedScale(ctx, db, *scale)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, summary)
	}
	return nil
}

func cmdImportResolution(ctx context.Context, args []string, env web.Getenv, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("import-resolution needs one FILE: the official text of the resolution")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("import-resolution: %w", err)
	}
	defer f.Close()
	doc, err := resolution.Parse(f)
	if err != nil {
		return fmt.Errorf("import-resolution: %s: %w", args[0], err)
	}
	db, closeDB, err := openCurrentDB(ctx, env)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := models.ImportResolution(ctx, db, doc)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %s (%d preambular and %d operative paragraphs, %d footnotes)\n",
		res.Symbol, len(doc.Preamble), len(doc.Operative), len(doc.Footnotes))
	return nil
}

func cmdUsers(ctx context.Context, args []string, env web.Getenv, out io.Writer) error {
	if len(args) != 2 || args[0] != "grant-admin" {
		return errors.New("usage: ctap users grant-admin EMAIL")
	}
	db, closeDB, err := openCurrentDB(ctx, env)
	if err != nil {
		return err
	}
	defer closeDB()
	msg, err := models.GrantAdmin(ctx, db, args[1], models.AuditContext{ActorNote: "ctap users grant-admin"})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, msg)
	return nil
}

// openCurrentDB connects for a command-line task that needs the schema
// current; closeDB releases the connection.
func openCurrentDB(ctx context.Context, env web.Getenv) (db *gorm.DB, closeDB func(), err error) {
	_, db, err = openDB(ctx, env, web.ModeCLI)
	if err != nil {
		return nil, nil, err
	}
	sqlDB, _ := db.DB()
	if err := requireCurrentSchema(ctx, db); err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return db, func() { sqlDB.Close() }, nil
}

func requireCurrentSchema(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	pending, current, target, err := migrations.Pending(ctx, sqlDB)
	if err != nil {
		return err
	}
	if pending {
		return fmt.Errorf("the database schema is at version %d but this ctap needs %d: run `ctap migrate` first (or set CTAP_AUTO_MIGRATE=true for serve)", current, target)
	}
	return nil
}

func cmdServe(ctx context.Context, env web.Getenv, logOut io.Writer, mode web.Mode) error {
	cfg, db, err := openDB(ctx, env, mode)
	if err != nil {
		return err
	}
	logger := newLogger(logOut, mode, cfg.LogLevel)
	sqlDB, _ := db.DB()
	defer sqlDB.Close()

	if mode == web.ModeDev || cfg.AutoMigrate {
		if _, err := migrations.Up(ctx, sqlDB, logger); err != nil {
			return err
		}
	} else if err := requireCurrentSchema(ctx, db); err != nil {
		return err
	}
	if mode == web.ModeDev {
		if _, err := models.SeedDemo(ctx, db); err != nil {
			return err
		}
		if cfg.DevIDP && cfg.OIDC.Issuer == cfg.BaseURL.String()+web.DevIDPPath {
			// The demo people's accounts exist before they first sign in,
			// so the demo can hold what it would have told them.
			if _, err := models.PrepareDemoAccounts(ctx, db, cfg.OIDC.Issuer, devidp.SubjectFor); err != nil {
				return err
			}
			if _, err := models.SeedDemoNotifications(ctx, db); err != nil {
				return err
			}
		}
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	deps := web.Deps{DB: db, Logger: logger, Catalogue: cat}
	if cfg.DevIDP {
		if mode == web.ModeServe {
			logger.Warn("CTAP_DEV_IDP=true: the development OpenID Provider is mounted at /dev-idp with demo accounts; never do this in production")
		}
		for _, a := range models.DemoAccounts() {
			deps.DevAccounts = append(deps.DevAccounts, devidp.Account{Email: a.Email, Name: a.Name, Password: models.DemoPassword, EmailVerified: true})
		}
		deps.DevInviteePassword = models.DemoPassword
	}
	srv, err := web.New(cfg, deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (CTAP_ADDR): %w", cfg.Addr, err)
	}
	logger.Info("serving", "url", cfg.BaseURL.String(), "addr", ln.Addr().String())
	if mode == web.ModeDev {
		fmt.Fprintf(logOut, "\nCTAP is running at %s\n\nDemo accounts (password %q), through the development OpenID Provider:\n", cfg.BaseURL, models.DemoPassword)
		for _, a := range models.DemoAccounts() {
			role := string(a.Role)
			if role == "" {
				role = "no invitation: lands pending"
			} else if a.Scope != "" {
				role += " (" + a.Scope + ")"
			}
			fmt.Fprintf(logOut, "  %-26s %s\n", a.Email, role)
		}
		fmt.Fprintf(logOut, "  and any address with an open invitation (password %q)\n", models.DemoPassword)
		fmt.Fprintf(logOut, "\nTry this, one account at a time (sign in at %s):\n", cfg.BaseURL)
		for _, a := range models.DemoAccounts() {
			fmt.Fprintf(logOut, "  %-26s %s\n", a.Email, a.Try)
		}
		if cfg.MailpitURL != "" {
			fmt.Fprintf(logOut, "\nEvery email the portal sends is caught, not delivered: read them at %s/dev-mail\n", cfg.BaseURL)
		}
		fmt.Fprintln(logOut)
	}
	return srv.Run(ctx, ln)
}
