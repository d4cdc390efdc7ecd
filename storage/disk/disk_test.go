package disk_test

import (
	"context"
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/storagetest"
)

func openStore(t *testing.T, dir string, opts disk.Options) *disk.Store {
	t.Helper()
	s, err := disk.Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		s := openStore(t, t.TempDir(), disk.Options{})
		t.Cleanup(func() { s.Close() })
		return s
	})
}
