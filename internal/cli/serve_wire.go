package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/keys"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/sse"
)

// openServer opens the disk storage in dir (it keeps index.db and data/
// there, next to keys.json) and builds the S3 handler over it and the key
// store. It returns the backend so serve can close it.
func openServer(ctx context.Context, dir string, store *keys.Store, o serveOptions, logger *slog.Logger, now func() time.Time) (*disk.Store, http.Handler, error) {
	backend, err := disk.Open(ctx, dir, disk.Options{Now: now, Logger: logger})
	if err != nil {
		return nil, nil, err
	}
	// Replaying the write-ahead log reads up to 16 MiB that is garbage
	// once the store is open: hand it back to the OS before serving.
	debug.FreeOSMemory()
	// The flags' 0 is "no limit"; the Config's is "the default".
	bodyTimeout, minRate := o.BodyTimeout, o.BodyMinRate
	if bodyTimeout == 0 {
		bodyTimeout = -1
	}
	if minRate == 0 {
		minRate = -1
	}
	h := server.New(server.Config{
		Backend:         sse.New(backend, sse.Options{Dir: dir, Region: o.Region}),
		Keys:            serverKeys{store},
		Region:          o.Region,
		StrictRegion:    o.StrictRegion,
		Domain:          o.Domain,
		Logger:          logger,
		Now:             now,
		BodyReadTimeout: bodyTimeout,
		BodyMinRate:     minRate,
	})
	return backend, h, nil
}

// serverKeys adapts the file-backed key store to the server's KeyStore
// seam. (server/keys cannot import server: the arrows keep server's own
// imports to sigv4, storage and s3xml, so the adapter lives here.)
type serverKeys struct{ store *keys.Store }

// Lookup implements server.KeyStore.
func (s serverKeys) Lookup(ctx context.Context, accessKeyID string) (server.Key, error) {
	k, err := s.store.Lookup(ctx, accessKeyID)
	if errors.Is(err, keys.ErrNotFound) {
		return server.Key{}, fmt.Errorf("%w: %s", server.ErrUnknownKey, accessKeyID)
	}
	if err != nil {
		return server.Key{}, err
	}
	return server.Key{AccessKeyID: k.AccessKeyID, Secret: k.Secret, ReadOnly: k.ReadOnly, Buckets: k.Buckets}, nil
}
