package keys

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
)

func TestCheckDeclaredKey(t *testing.T) {
	tests := []struct {
		name, id, secret string
		field            string // "" when accepted
	}{
		{"AWS-shaped", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
		{"readable CI name", "CI_TEST_ACCESS_KEY", "0123456789abcdef", ""},
		{"128-character id", strings.Repeat("A", 128), strings.Repeat("s", 128), ""},
		{"MinIO's default user is too short", "minioadmin", "minioadmin-secret", "access key id"},
		{"15-character id", strings.Repeat("A", 15), "0123456789abcdef", "access key id"},
		{"129-character id", strings.Repeat("A", 129), "0123456789abcdef", "access key id"},
		{"dash in id", "CI-TEST-ACCESS-KEY", "0123456789abcdef", "access key id"},
		{"non-ASCII id", "AKIAIOSFODNN7EXAMPLÉ", "0123456789abcdef", "access key id"},
		{"short secret", "AKIAIOSFODNN7EXAMPLE", "minioadmin", "secret access key"},
		{"space in secret", "AKIAIOSFODNN7EXAMPLE", "0123456789 abcdef", "secret access key"},
		{"newline in secret", "AKIAIOSFODNN7EXAMPLE", "0123456789abcdef\n", "secret access key"},
		{"secret equals id", "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "secret access key"},
		{"129-character secret", "AKIAIOSFODNN7EXAMPLE", strings.Repeat("s", 129), "secret access key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckAccessKeyID(tc.id)
			if err == nil {
				err = CheckSecret(tc.id, tc.secret)
			}
			var ike *InvalidKeyError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field != "" && !errors.As(err, &ike):
				t.Fatalf("err = %v, want an *InvalidKeyError", err)
			case tc.field != "" && ike.Field != tc.field:
				t.Fatalf("refused %s (%v), want %s", ike.Field, err, tc.field)
			}
			if err != nil && len(tc.secret) >= 4 && strings.Contains(err.Error(), tc.secret) && tc.secret != tc.id {
				t.Errorf("the error quotes the secret: %v", err)
			}
		})
	}
}

func TestEnsureIsIdempotentAndUpdatesTheSecret(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var logs bytes.Buffer
	s, err := Open(dir, Options{Now: newClock().Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	const id, secret1, secret2 = "CI_TEST_ACCESS_KEY", "first-secret-0123456789", "second-secret-0123456789"
	if r, err := s.Ensure(ctx, id, secret1, "declared"); err != nil || r != EnsureCreated {
		t.Fatalf("first Ensure: %v %v", r, err)
	}
	before, _ := os.Stat(s.Path())
	if r, err := s.Ensure(ctx, id, secret1, "declared"); err != nil || r != EnsureUnchanged {
		t.Fatalf("same values again: %v %v", r, err)
	}
	after, _ := os.Stat(s.Path())
	if !os.SameFile(before, after) {
		t.Error("Ensure with unchanged values rewrote the key file")
	}
	if n, _ := s.Len(ctx); n != 1 {
		t.Errorf("%d keys after two Ensures, want 1", n)
	}

	if r, err := s.Ensure(ctx, id, secret2, "declared"); err != nil || r != EnsureUpdated {
		t.Fatalf("new secret: %v %v", r, err)
	}
	reopened := openStore(t, dir, newClock())
	k, err := reopened.Lookup(ctx, id)
	if err != nil || k.Secret != secret2 {
		t.Fatalf("after the update the key is %v (%v)", k, err)
	}
	if n, _ := reopened.Len(ctx); n != 1 {
		t.Errorf("%d keys after a secret change, want 1", n)
	}
	if strings.Contains(logs.String(), secret1) || strings.Contains(logs.String(), secret2) {
		t.Errorf("a secret reached the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "declared access key updated") || !strings.Contains(logs.String(), "changed=[secret]") {
		t.Errorf("the update is not logged:\n%s", logs.String())
	}
}

func TestEnsureWidensARestrictedKey(t *testing.T) {
	ctx := context.Background()
	s := NewMemory(Options{})
	const id, secret = "CI_TEST_ACCESS_KEY", "first-secret-0123456789"
	if _, err := s.Ensure(ctx, id, secret, "declared"); err != nil {
		t.Fatal(err)
	}
	// Restrict it behind Ensure's back, as "keys" edits would.
	if err := s.update(ctx, func(m map[string]Key) error {
		k := m[id]
		k.ReadOnly, k.Buckets = true, []string{"one"}
		m[id] = k
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Ensure(ctx, id, secret, "declared"); err != nil || r != EnsureUpdated {
		t.Fatalf("Ensure on a restricted key: %v %v", r, err)
	}
	k, _ := s.Lookup(ctx, id)
	if k.ReadOnly || len(k.Buckets) != 0 {
		t.Errorf("the declared key is still restricted: %+v", k.Info())
	}
}

func TestEnsureRefusesBadValuesAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newClock())
	_, err := s.Ensure(context.Background(), "minioadmin", "minioadmin", "declared")
	var ike *InvalidKeyError
	if !errors.As(err, &ike) {
		t.Fatalf("err = %v, want *InvalidKeyError", err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused key wrote the key file: %v", err)
	}
}

func TestMemoryStoreTouchesNoFile(t *testing.T) {
	ctx := context.Background()
	wd := t.TempDir()
	t.Chdir(wd)
	s := NewMemory(Options{})
	k, err := s.Create(ctx, CreateOptions{Name: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Lookup(ctx, k.AccessKeyID); err != nil || got.Secret != k.Secret {
		t.Fatalf("lookup: %v %v", got, err)
	}
	if err := s.Delete(ctx, k.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Len(ctx); n != 0 || s.Path() != "" {
		t.Errorf("len %d, path %q", n, s.Path())
	}
	if ents, _ := os.ReadDir(wd); len(ents) != 0 {
		t.Errorf("the memory store wrote %v", ents)
	}
}
