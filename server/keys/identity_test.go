package keys

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccountsPersistAndDeclaredKeysGetFullAccess: the default account is
// drawn once and kept across reopening; a declared key (Ensure) joins it
// with full access; a memory store has accounts too.
func TestAccountsPersistAndDeclaredKeysGetFullAccess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir, Options{PollInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	def, err := s.DefaultAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if def.Name != DefaultAccountName || !isAccountID(def.ID) || len(def.CanonicalID) != 64 {
		t.Fatalf("default account %+v", def)
	}
	again, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d2, _ := again.DefaultAccount(ctx); d2 != def {
		t.Errorf("default account changed on reopening: %+v, was %+v", d2, def)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(raw), `"version": 2`) || !strings.Contains(string(raw), def.ID) {
		t.Errorf("key file:\n%s", raw)
	}

	const id, secret = "DECLAREDKEY12345", "declared-secret-0123456789"
	if _, err := s.Ensure(ctx, id, secret, "ci"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, CreateOptions{Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), ReadOnly: true}); err == nil {
		t.Error("a policy with --read-only was accepted")
	}
	k, err := s.Lookup(ctx, id)
	if err != nil || k.Account != def.ID || k.IdentityPolicy() == nil || k.PolicySummary() != "read-write, all buckets" {
		t.Fatalf("declared key: %+v %v", k, err)
	}
	if !strings.HasPrefix(k.ARN(), "arn:aws:iam::"+def.ID+":user/") || k.UserID() != "AIDA"+id {
		t.Errorf("declared key names: %s %s", k.ARN(), k.UserID())
	}

	mem := NewMemory(Options{})
	md, err := mem.DefaultAccount(ctx)
	if err != nil || !isAccountID(md.ID) {
		t.Fatalf("memory store default account: %+v %v", md, err)
	}
	mk, err := mem.Create(ctx, CreateOptions{Account: "team", User: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if mk.Account == md.ID || mk.IdentityPolicy() == nil || mk.ARN() != "arn:aws:iam::"+mk.Account+":user/ann" {
		t.Errorf("memory store key: account %s (default %s), ARN %s", mk.Account, md.ID, mk.ARN())
	}
}
