package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/console"
	"github.com/s3kit/s3kit/server/keys"
	"github.com/s3kit/s3kit/storage/disk"
	"github.com/s3kit/s3kit/storage/mem"
	"github.com/s3kit/s3kit/storage/sse"
)

// openServer opens the disk storage in dir (it keeps index.db and data/
// there, next to keys.json), or with --memory the in-memory storage that
// s3test uses, and builds the S3 handler over it and the key store. It
// returns the backend as a Closer so serve can close it.
func openServer(ctx context.Context, dir string, store *keys.Store, o serveOptions, logs serverLogs, now func() time.Time) (io.Closer, http.Handler, error) {
	logger := logs.log
	var backend sse.Backend
	var closer io.Closer = nopCloser{}
	if o.Memory {
		backend = mem.New(mem.Options{Now: now})
	} else {
		d, err := disk.Open(ctx, dir, disk.Options{Now: now, Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		backend, closer = d, d
		// Replaying the write-ahead log reads up to 16 MiB that is garbage
		// once the store is open: hand it back to the OS before serving.
		debug.FreeOSMemory()
	}
	// The flags' 0 is "no limit"; the Config's is "the default".
	bodyTimeout, minRate := o.BodyTimeout, o.BodyMinRate
	if bodyTimeout == 0 {
		bodyTimeout = -1
	}
	if minRate == 0 {
		minRate = -1
	}
	acct, err := store.DefaultAccount(ctx)
	if err != nil {
		closer.Close()
		return nil, nil, err
	}
	var webConsole http.Handler
	if o.Console {
		webConsole = console.Handler(console.Options{Region: o.Region})
	}
	h := server.New(server.Config{
		DefaultAccount: acct.ID,
		Console:        webConsole,
		Status: func(context.Context) server.Status {
			st := server.Status{Version: o.Version, DataDir: dir, InMemory: o.Memory}
			if !o.Memory {
				st.DiskTotal, st.DiskFree = diskSpace(dir)
			}
			return st
		},
		// The encryption keys live next to the objects they protect; with
		// --memory dir is "" and they are kept in memory too.
		Backend:         sse.New(backend, sse.Options{Dir: dir, Region: o.Region}),
		Keys:            serverKeys{store},
		Region:          o.Region,
		StrictRegion:    o.StrictRegion,
		Domain:          o.Domain,
		Logger:          logger,
		Now:             now,
		BodyReadTimeout: bodyTimeout,
		BodyMinRate:     minRate,
		AccessLog:       logs.access,
		Metrics:         o.Metrics,
		MetricsPublic:   o.MetricsPublic || logs.loopback,
		Notify:          o.queue,
	})
	return closer, h, nil
}

// nopCloser closes the in-memory storage, which holds nothing to release.
type nopCloser struct{}

func (nopCloser) Close() error { return nil }

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
	// ReadOnly and Buckets are not passed on: the key's identity policy
	// (generated from them when the key has no other) carries them.
	sk := server.Key{AccessKeyID: k.AccessKeyID, Secret: k.Secret, Account: k.Account,
		User: k.UserName(), ARN: k.ARN(), UserID: k.UserID(), CanonicalID: k.CanonicalID()}
	if sk.Policies = k.IdentityPolicies(); len(sk.Policies) == 0 {
		return server.Key{}, fmt.Errorf("key %s has no identity policy", accessKeyID)
	}
	return sk, nil
}
