package handlers

import (
	"net/url"

	"github.com/labstack/echo/v4"

	"ctap/models"
	"ctap/views"
)

// pageRequest reads a keyset list's position (?after= or ?before=).
func pageRequest(c echo.Context, limit int) models.PageRequest {
	after, before := c.QueryParam("after"), c.QueryParam("before")
	if len(after) > 512 {
		after = ""
	}
	if len(before) > 512 {
		before = ""
	}
	return models.PageRequest{After: after, Before: before, Limit: limit}
}

// pageNav builds the links to a page's neighbours: the list's own address
// with its filters (q) and the neighbour's cursor.
func pageNav[T any](path string, q url.Values, p models.Page[T]) views.PageNav {
	link := func(key, cursor string) string {
		v := url.Values{}
		for k, vals := range q {
			if k != "after" && k != "before" {
				v[k] = vals
			}
		}
		v.Set(key, cursor)
		return path + "?" + v.Encode()
	}
	var nav views.PageNav
	if p.Prev != "" {
		nav.PrevHref = link("before", p.Prev)
	}
	if p.Next != "" {
		nav.NextHref = link("after", p.Next)
	}
	return nav
}
