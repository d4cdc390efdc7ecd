// Package mem is an in-memory storage.Backend for tests and for s3test.
//
// The model is a map of buckets, each a map of keys to immutable objects
// plus a sorted key slice for ordered listing. Every write builds a new
// object value off to the side and swaps it in under the store's lock, so
// readers see the old object or the new one, never a mix; open Content keeps
// the bytes it was opened with because object bytes are never modified in
// place. Bytes are held as a list of chunks, so large bodies are never
// re-copied while they grow, and completed multipart uploads and copies
// share their parts' or source's chunks. Nothing survives the process: use
// storage/disk for durability.
package mem
