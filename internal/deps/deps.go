//go:build tools

// Package deps pins modules the project is about to use, so `go mod tidy`
// keeps them while the code that imports them is being written.
package deps

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/alexedwards/scs/postgresstore"
	_ "github.com/alexedwards/scs/v2"
	_ "github.com/chromedp/chromedp"
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/labstack/echo/v4"
	_ "github.com/nicksnyder/go-i18n/v2/i18n"
	_ "github.com/peterldowns/pgtestdb"
	_ "github.com/pressly/goose/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/shopspring/decimal"
	_ "github.com/tsenart/vegeta/v12/lib"
	_ "github.com/zitadel/oidc/v3/pkg/op"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/text/language"
	_ "golang.org/x/time/rate"
	_ "gorm.io/driver/postgres"
	_ "gorm.io/gorm"
)
