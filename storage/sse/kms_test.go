package sse_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/sse"
)

// TestKMSKeys checks the local KMS: keys are created with an ID, an ARN in
// the region and an alias, kept 0600 in the data directory, listed without
// their material, and named in a PUT by ID, ARN, alias or alias ARN; a
// key the CLI adds while a server runs is usable at once.
func TestKMSKeys(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, s := openDisk(t, dir) // the running server
	defer st.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	cli, err := sse.OpenKMS(dir, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	k, err := cli.Create("app", "for the app")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.ARN, "arn:aws:kms:eu-west-1:") || !strings.HasSuffix(k.ARN, ":key/"+k.ID) || len(k.ID) != 36 {
		t.Fatalf("key = %+v", k)
	}
	if _, err := cli.Create("app", ""); err == nil {
		t.Fatal("a second key with the same alias was created")
	}
	fi, err := os.Stat(filepath.Join(dir, sse.KMSKeysFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	keys, err := cli.List()
	if err != nil || len(keys) != 1 || keys[0].ID != k.ID {
		t.Fatalf("List = %+v, %v", keys, err)
	}
	data := []byte("kms data")
	for _, name := range []string{k.ID, k.ARN, "alias/app", strings.Replace(k.ARN, "key/"+k.ID, "alias/app", 1)} {
		info, err := s.PutObject(ctx, "b", "k", bytes.NewReader(data), storage.PutOptions{Meta: storage.ObjectMeta{
			Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, KMSKeyID: name}}})
		if err != nil {
			t.Fatalf("PUT naming the key as %q: %v", name, err)
		}
		if info.Meta.Encryption.KMSKeyID != k.ARN {
			t.Fatalf("PUT naming %q recorded key %q, want %q", name, info.Meta.Encryption.KMSKeyID, k.ARN)
		}
	}
	o, err := s.GetObject(ctx, "b", "k")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(o.Content)
	o.Content.Close()
	if !bytes.Equal(got, data) {
		t.Fatalf("GET = %q", got)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, sse.KMSKeysFile))
	if bytes.Contains(raw, data) {
		t.Fatal("the key file holds object data")
	}
}

// TestKMSContextBound checks that a data key wrapped under one encryption
// context does not open under another: a record whose context was
// changed on disk fails as corrupt instead of decrypting.
func TestKMSContextBound(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, s := openDisk(t, dir)
	defer st.Close()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := s.PutObject(ctx, "b", "k", bytes.NewReader([]byte("x")), storage.PutOptions{Meta: storage.ObjectMeta{
		Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, Context: "eyJhIjoiYiJ9"}}})
	if err != nil {
		t.Fatal(err)
	}
	// Store the same sealed bytes under a record naming another context,
	// through the backend underneath the Store.
	o, err := s.Unwrap().GetObject(ctx, "b", "k")
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := io.ReadAll(o.Content)
	o.Content.Close()
	forged := *info.Meta.Encryption
	forged.Context = "eyJhIjoiYyJ9"
	if _, err := s.Unwrap().PutObject(ctx, "b", "forged", bytes.NewReader(sealed), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: &forged}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetObject(ctx, "b", "forged"); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("GET under a changed context: %v, want ErrCorrupt", err)
	}
}
