package views

import "context"

// jobKindLabel names a kind of job for administrators.
func jobKindLabel(ctx context.Context, kind string) string {
	return t(ctx, "jobs.kind_"+kind)
}
