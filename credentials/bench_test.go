package credentials

import (
	"context"
	"testing"
)

// BenchmarkCachedRetrieve: the session provider serving fresh credentials
// (target ≤ 100 ns/op, 0 allocs).
func BenchmarkCachedRetrieve(b *testing.B) {
	o := testWorld{files: map[string]string{"~/.aws/credentials": credsDefault}}.options(b)
	o.LookupEnv = func(k string) (string, bool) {
		if k == "AWS_ACCESS_KEY_ID" {
			return "AKIDBENCH", true
		}
		if k == "AWS_SECRET_ACCESS_KEY" {
			return "S", true
		}
		return "", false
	}
	cfg, err := Load(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func benchFiles(b *testing.B) Options {
	return testWorld{files: map[string]string{
		"~/.aws/credentials": credsDefault + "[dev]\naws_access_key_id = A\naws_secret_access_key = S\n",
		"~/.aws/config":      "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n" + configDev,
	}}.options(b)
}

// BenchmarkResolveFromFiles: the provider chain resolving from the shared
// files after the first parse (the files were parsed by Load; each op runs
// the whole chain up to the shared-credentials-file winner, no caching of
// credentials). Target ≤ 50 µs/op.
func BenchmarkResolveFromFiles(b *testing.B) {
	cfg, err := Load(context.Background(), benchFiles(b))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c := newCache(cfg.chain, cfg.w.now, nil)
		if _, err := c.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAndResolve: a whole session from scratch — stat, read and
// parse both files, select the profile, resolve settings and credentials.
func BenchmarkLoadAndResolve(b *testing.B) {
	o := benchFiles(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := Load(ctx, o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
