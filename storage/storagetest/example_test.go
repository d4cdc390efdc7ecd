package storagetest_test

import (
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/storagetest"
)

// A backend's test file runs the suite against a fresh backend per
// subtest. (Run needs the *testing.T of a test, so this example is
// compiled but not run; storage/mem's TestConformance is this code.)
func Example() {
	_ = func(t *testing.T) {
		storagetest.Run(t, func(t *testing.T) storage.Backend { return mem.New(mem.Options{}) })
	}
}
