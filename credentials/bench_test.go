package credentials

import (
	"context"
	"testing"
)

// BenchmarkCachedRetrieve: the session provider serving fresh credentials
// (target ≤ 100 ns/op, 0 allocs).
func BenchmarkCachedRetrieve(b *testing.B) {
	o := testWorld{files: map[string]string{"~/.aws/credentials": credsDefault}}.options(&testing.T{})
	o.Home = b.TempDir()
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

// BenchmarkResolveFromFiles: a whole session resolution (Load + chain)
// from the two shared files, after the first parse has warmed the OS
// cache (target ≤ 50 µs/op).
func BenchmarkResolveFromFiles(b *testing.B) {
	t := &testing.T{}
	o := testWorld{files: map[string]string{
		"~/.aws/credentials": credsDefault + "[dev]\naws_access_key_id = A\naws_secret_access_key = S\n",
		"~/.aws/config":      "[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n" + configDev,
	}}.options(t)
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
