// Package assets embeds the portal's stylesheets, scripts and images and
// serves them under content-hashed names, so browsers may cache them for a
// year and still see a new version the moment it ships.
package assets

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed css img
var files embed.FS

// Prefix is where assets are served.
const Prefix = "/assets/"

// manifest maps a logical name ("css/app.css") to its hashed name
// ("css/app.1a2b3c4d5e.css") and back. It is built once at start and never
// changed.
type manifest struct {
	hashed  map[string]string
	logical map[string]string
}

var built = mustBuild()

func mustBuild() manifest {
	m := manifest{hashed: map[string]string{}, logical: map[string]string{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		m.hashed[p] = h
		m.logical[h] = p
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("assets: %v", err))
	}
	return m
}

// URL returns the public, content-hashed URL of a logical asset name. An
// unknown name is a programming error and panics in tests.
func URL(name string) string {
	h, ok := built.hashed[name]
	if !ok {
		panic("assets: unknown asset " + name)
	}
	return Prefix + h
}

// Handler serves hashed asset names with a one-year immutable cache
// lifetime; any other name is 404.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		logical, ok := built.logical[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := files.ReadFile(logical)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if ct := mime.TypeByExtension(path.Ext(logical)); ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+strings.TrimSuffix(path.Base(name), path.Ext(name))+`"`)
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(b)
	})
}
