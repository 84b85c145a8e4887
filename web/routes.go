package web

import (
	"github.com/labstack/echo/v4"

	"ctap/assets"
)

// routes registers every route of the portal, top to bottom.
func (s *Server) routes() {
	e, h := s.Echo, s.handlers

	// Operations.
	e.GET("/healthz", h.Healthz)
	e.GET("/readyz", h.Readyz)
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()))
	e.GET(assets.Prefix+"*", serveAsset)

	// Public pages.
	e.GET("/", h.Home)
	e.GET("/paragraphs", h.Paragraphs)
	e.GET("/paragraphs/:n", h.Paragraph)
	e.GET("/states", h.States)
	e.GET("/states/:iso3", h.State)
	e.GET("/instruments", h.Instruments)
	e.GET("/lang/:tag", h.SetLanguage)
}
