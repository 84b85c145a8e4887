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

// Lookup returns the content and type of a hashed asset name; ok is false
// for any other name (an old hash included).
func Lookup(hashedName string) (content []byte, contentType string, ok bool) {
	logical, ok := built.logical[hashedName]
	if !ok {
		return nil, "", false
	}
	b, err := files.ReadFile(logical)
	if err != nil {
		return nil, "", false
	}
	return b, mime.TypeByExtension(path.Ext(logical)), true
}
