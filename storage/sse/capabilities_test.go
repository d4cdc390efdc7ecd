package sse_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// backendInterfaces are package storage's optional capabilities, which
// the server finds by type assertion: a wrapper that lacks one its
// backend has hides the feature from the server.
var backendInterfaces = map[string]reflect.Type{
	"Backend":               reflect.TypeFor[storage.Backend](),
	"Multipart":             reflect.TypeFor[storage.Multipart](),
	"Copier":                reflect.TypeFor[storage.Copier](),
	"Tagger":                reflect.TypeFor[storage.Tagger](),
	"BucketTagger":          reflect.TypeFor[storage.BucketTagger](),
	"ConditionalDeleter":    reflect.TypeFor[storage.ConditionalDeleter](),
	"BucketConfigStore":     reflect.TypeFor[storage.BucketConfigStore](),
	"Versioner":             reflect.TypeFor[storage.Versioner](),
	"UsageReporter":         reflect.TypeFor[storage.UsageReporter](),
	"BucketEncryptionStore": reflect.TypeFor[storage.BucketEncryptionStore](),
	"KeyedReader":           reflect.TypeFor[storage.KeyedReader](),
	"Encrypter":             reflect.TypeFor[storage.Encrypter](),
}

// notBackendInterfaces are package storage's interfaces that describe an
// object's content, not a backend.
var notBackendInterfaces = map[string]bool{"Content": true, "RangeWriterTo": true}

// TestListsEveryStorageInterface reads package storage's source, so a new
// capability cannot be added there without joining backendInterfaces
// (and so TestWrapperKeepsCapabilities).
func TestListsEveryStorageInterface(t *testing.T) {
	files, err := filepath.Glob("../*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.IsExported() {
				if _, ok := ts.Type.(*ast.InterfaceType); ok {
					found = append(found, ts.Name.Name)
				}
			}
			return true
		})
	}
	if len(found) == 0 {
		t.Fatal("no interfaces found in package storage's source")
	}
	sort.Strings(found)
	for _, name := range found {
		if _, ok := backendInterfaces[name]; !ok && !notBackendInterfaces[name] {
			t.Errorf("storage.%s is not in backendInterfaces: add it, and forward it in sse.Store if the backends have it", name)
		}
	}
}

// TestWrapperKeepsCapabilities checks that a Store implements every
// optional interface of the memory and disk stores it wraps.
func TestWrapperKeepsCapabilities(t *testing.T) {
	d, err := disk.Open(context.Background(), t.TempDir(), disk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, inner := range []sse.Backend{mem.New(mem.Options{}), d} {
		wrapped := reflect.TypeOf(sse.New(inner, sse.Options{}))
		for name, it := range backendInterfaces {
			if reflect.TypeOf(inner).Implements(it) && !wrapped.Implements(it) {
				t.Errorf("%T implements storage.%s, sse.Store does not", inner, name)
			}
		}
	}
}
