// Package keys is the s3kit server's file-backed access-key store.
//
// The model: every key lives in one JSON file, DIR/keys.json, next to the
// server's data. The file holds secrets, so it is only ever replaced whole and
// atomically (written to a temporary file with mode 0600, fsynced, renamed over
// the old one, then the directory is fsynced): a crash leaves either the old
// set of keys or the new one, never a torn file. Writers in several processes
// (a running "s3kit serve" and an "s3kit keys create" next to it) serialise
// their read-modify-write cycles with an advisory lock on DIR/keys.lock.
//
// NewMemory returns a Store with the same methods that never touches the
// file system ("s3kit serve --memory"). Ensure declares a key with a known
// secret (the operator's S3KIT_ACCESS_KEY_ID and S3KIT_SECRET_ACCESS_KEY)
// idempotently.
//
// A Store is safe for concurrent use. Lookup serves from memory and, at most
// every PollInterval (250 ms by default), stats the file; when its identity,
// size or modification time changed it re-reads it. So a key created or
// deleted by another process is seen by a running server within a second,
// without a restart and without a watcher goroutine.
//
// Secrets never leave the package through String, Format or slog: Key masks
// its secret in all three. Only Key.Secret itself holds the plain value, for
// the verifier and for the one time "keys create" prints it.
//
// The server consumes a Store through its server.KeyStore seam. This package
// does not import server (the import arrows give everything under server/
// only sigv4, storage and internal/s3xml), so the one-method adapter lives
// where the two are wired together: internal/cli's serve_wire.go.
package keys
