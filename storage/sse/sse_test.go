package sse_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
	"github.com/s3kit/s3kit/storage/storagetest"
)

func TestConformanceMem(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		return sse.New(mem.New(mem.Options{}), sse.Options{})
	})
}

func TestConformanceDisk(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		dir := t.TempDir()
		st, err := disk.Open(context.Background(), dir, disk.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return sse.New(st, sse.Options{Dir: dir})
	})
}

func openDisk(t *testing.T, dir string) (*disk.Store, *sse.Store) {
	t.Helper()
	st, err := disk.Open(context.Background(), dir, disk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st, sse.New(st, sse.Options{Dir: dir})
}

// TestDiskTamperDetected changes one byte of an encrypted object's
// content file and checks a read of the package holding it fails with
// ErrCorrupt while the packages before it still read.
func TestDiskTamperDetected(t *testing.T) {
	dir := t.TempDir()
	st, s := openDisk(t, dir)
	defer st.Close()
	ctx := context.Background()
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	plain := bytes.Repeat([]byte("secret payload "), 3*sse.PackageSize/15+100)
	if _, err := s.PutObject(ctx, "b", "k", bytes.NewReader(plain), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmAES256}}}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "data", "*"))
	if len(files) != 1 {
		t.Fatalf("content files: %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("secret payload")) {
		t.Fatal("the content file holds plaintext")
	}
	raw[32+sse.PackageSize+16+500] ^= 1 // inside the second package
	if err := os.WriteFile(files[0], raw, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := s.GetObject(ctx, "b", "k")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Content.Close()
	first := make([]byte, 100)
	if _, err := o.Content.ReadAt(first, 10); err != nil || !bytes.Equal(first, plain[10:110]) {
		t.Fatalf("read of the untouched first package: %v", err)
	}
	buf := make([]byte, 10)
	if n, err := o.Content.ReadAt(buf, sse.PackageSize+10); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("read of the tampered package = %d bytes, %v; want ErrCorrupt", n, err)
	}
	if _, err := io.ReadAll(o.Content); !errors.Is(err, storage.ErrCorrupt) {
		t.Fatalf("whole read: %v, want ErrCorrupt", err)
	}
}

// TestMasterKeyFile checks the master key is created on first use, mode
// 0600, and kept across a restart (objects written before it still
// read), and that a Store whose key file is gone refuses to read rather
// than making a new key.
func TestMasterKeyFile(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, s := openDisk(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, sse.MasterKeyFile)
	if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("master key before any encrypted write: %v", err)
	}
	plain := []byte("kept across restarts")
	if _, err := s.PutObject(ctx, "b", "k", bytes.NewReader(plain), storage.PutOptions{Meta: storage.ObjectMeta{Encryption: &storage.Encryption{Algorithm: storage.SSEAlgorithmAES256}}}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(keyPath)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != 32 {
		t.Fatalf("master key file: %v, %v", fi, err)
	}
	st.Close()

	st, s = openDisk(t, dir)
	o, err := s.GetObject(ctx, "b", "k")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(o.Content)
	o.Content.Close()
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("after restart: %q, %v", got, err)
	}
	st.Close()

	if err := os.Rename(keyPath, keyPath+".moved"); err != nil {
		t.Fatal(err)
	}
	st, s = openDisk(t, dir)
	defer st.Close()
	if _, err := s.GetObject(ctx, "b", "k"); err == nil {
		t.Fatal("GetObject without the master key succeeded")
	}
	if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a read made a new master key")
	}
}

// TestDiskBucketEncryptionSurvivesRestart checks a bucket's default
// encryption is durable in the disk store and still applied after a
// restart.
func TestDiskBucketEncryptionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, s := openDisk(t, dir)
	if err := s.CreateBucket(ctx, "b", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBucketEncryption(ctx, "b", &storage.BucketEncryption{Algorithm: storage.SSEAlgorithmAES256}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, s = openDisk(t, dir)
	defer st.Close()
	info, err := s.PutObject(ctx, "b", "k", bytes.NewReader([]byte("x")), storage.PutOptions{})
	if err != nil || info.Meta.Encryption == nil {
		t.Fatalf("PUT after restart: %+v, %v", info.Meta.Encryption, err)
	}
}
