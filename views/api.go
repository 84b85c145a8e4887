package views

// APIDocsData is /api: the API's description, as the OpenAPI document
// has it, for reading.
type APIDocsData struct {
	BaseURL    string // the API's address, e.g. https://ctap.example.org/api/v1
	Title      string
	Version    string
	Groups     []APIGroup
	CanTokens  bool // the reader may create access tokens
	SignedIn   bool
	ExampleURL string
}

// APIGroup is the operations of one tag.
type APIGroup struct {
	Name       string
	Operations []APIOperation
}

// APIOperation is one operation of the API.
type APIOperation struct {
	ID          string
	Method      string
	Path        string
	Summary     string
	Description string
	Params      []APIParam
	Fields      []APIField // of the answer's record (a list's item)
	IsList      bool
}

// APIParam is one parameter of an operation.
type APIParam struct {
	Name        string
	In          string
	Type        string
	Description string
	Required    bool
}

// APIField is one field of an answer.
type APIField struct {
	Name        string
	Type        string
	Description string
}
