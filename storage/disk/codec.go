package disk

import (
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/s3kit/s3kit/storage"
)

// Object records use a compact binary layout rather than JSON: listing
// decodes one per key, and JSON made a 1,000-key page several times
// slower. Layout (version 1): version byte, then fields in objRecord order
// as uvarints, varints and length-prefixed strings, maps as a count and
// sorted pairs, then the inline data. Version 2 adds, after the extents,
// the part checksums (a count and strings) and the tags (a map); records
// without either are still written as version 1, so most records stay
// readable by older builds. Version 3 adds, after those, the encryption
// record (ObjectMeta.Encryption) as a map, so later fields need no new
// version; only encrypted objects are written as version 3.
//
// The high bit of the version byte (objRecordVersioned) marks a record of
// a versioned bucket: after the version's own fields comes a versioning
// trailer, the record's sort ID (a string) and flags (a uvarint:
// flagNull, flagMarker), before the inline data. Records of buckets that
// never had versioning never have it, so they stay byte for byte what
// older builds wrote and read.
const (
	objRecordVersion   = 1
	objRecordVersionV2 = 2
	objRecordVersionV3 = 3
	objRecordVersioned = 0x80

	flagNull   = 1
	flagMarker = 2
)

type enc struct{ b []byte }

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) strMap(m map[string]string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(m[k])
	}
}

// encodeObject lays out rec followed by the inline data.
func encodeObject(rec *objRecord, inline []byte) []byte {
	e := enc{b: make([]byte, 0, 128+len(inline))}
	version := byte(objRecordVersion)
	if rec.PartChecksums != nil || len(rec.Meta.Tags) > 0 {
		version = objRecordVersionV2
	}
	if rec.Meta.Encryption != nil {
		version = objRecordVersionV3
	}
	versioned := rec.VID != "" || rec.Null || rec.Marker
	if versioned {
		e.b = append(e.b, version|objRecordVersioned)
	} else {
		e.b = append(e.b, version)
	}
	e.uvarint(uint64(rec.Size))
	e.str(rec.ETag)
	e.b = binary.AppendVarint(e.b, rec.Mod)
	m := &rec.Meta
	for _, s := range []string{m.ContentType, m.ContentEncoding, m.ContentDisposition, m.ContentLanguage, m.CacheControl, m.Expires, m.ChecksumType} {
		e.str(s)
	}
	e.strMap(m.UserMeta)
	e.strMap(m.Checksums)
	e.uvarint(uint64(len(rec.PartSizes)))
	for _, n := range rec.PartSizes {
		e.uvarint(uint64(n))
	}
	e.uvarint(uint64(len(rec.Extents)))
	for _, x := range rec.Extents {
		e.str(x.ID)
		e.uvarint(uint64(x.Size))
	}
	if version >= objRecordVersionV2 {
		e.uvarint(uint64(len(rec.PartChecksums)))
		for _, v := range rec.PartChecksums {
			e.str(v)
		}
		e.strMap(rec.Meta.Tags)
	}
	if version == objRecordVersionV3 {
		e.strMap(encryptionFields(rec.Meta.Encryption))
	}
	if versioned {
		e.str(rec.VID)
		var flags uint64
		if rec.Null {
			flags |= flagNull
		}
		if rec.Marker {
			flags |= flagMarker
		}
		e.uvarint(flags)
	}
	return append(e.b, inline...)
}

type dec struct {
	b   []byte
	err error
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) str() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// count reads a collection length, bounded by the bytes left so a
// corrupt record cannot make us allocate wildly.
func (d *dec) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *dec) strMap() map[string]string {
	n := d.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.str()
		m[k] = d.str()
	}
	return m
}

// decodeObject parses an object record and returns its inline data
// (aliasing val: copy it before the transaction ends).
func decodeObject(val []byte, rec *objRecord) ([]byte, error) {
	if !knownVersion(val) {
		return nil, fmt.Errorf("%w: object record version", errCorrupt)
	}
	d := dec{b: val[1:]}
	*rec = objRecord{Size: int64(d.uvarint()), ETag: d.str(), Mod: d.varint()}
	m := &rec.Meta
	for _, p := range []*string{&m.ContentType, &m.ContentEncoding, &m.ContentDisposition, &m.ContentLanguage, &m.CacheControl, &m.Expires, &m.ChecksumType} {
		*p = d.str()
	}
	m.UserMeta = d.strMap()
	m.Checksums = d.strMap()
	if n := d.count(); n > 0 {
		rec.PartSizes = make([]int64, n)
		for i := range rec.PartSizes {
			rec.PartSizes[i] = int64(d.uvarint())
		}
	}
	if n := d.count(); n > 0 {
		rec.Extents = make([]extent, n)
		for i := range rec.Extents {
			rec.Extents[i] = extent{ID: d.str(), Size: int64(d.uvarint())}
		}
	}
	version := val[0] &^ objRecordVersioned
	if version >= objRecordVersionV2 {
		if n := d.count(); n > 0 {
			rec.PartChecksums = make([]string, n)
			for i := range rec.PartChecksums {
				rec.PartChecksums[i] = d.str()
			}
		}
		rec.Meta.Tags = d.strMap()
	}
	if version == objRecordVersionV3 {
		rec.Meta.Encryption = encryptionFromFields(d.strMap())
	}
	if val[0]&objRecordVersioned != 0 {
		rec.VID = d.str()
		flags := d.uvarint()
		rec.Null, rec.Marker = flags&flagNull != 0, flags&flagMarker != 0
	}
	if d.err != nil {
		return nil, d.err
	}
	return d.b, nil
}

// skip passes over a string without copying it.
func (d *dec) skip() {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errCorrupt
		return
	}
	d.b = d.b[n:]
}

// objectHasExtents reports whether a stored object record references
// content files, without decoding (and allocating) the rest of it.
func objectHasExtents(val []byte) (bool, error) {
	if !knownVersion(val) {
		return false, fmt.Errorf("%w: object record version", errCorrupt)
	}
	d := dec{b: val[1:]}
	d.uvarint()   // size
	d.skip()      // ETag
	d.varint()    // Mod
	for range 7 { // the ObjectMeta strings, as encodeObject writes them
		d.skip()
	}
	for range 2 { // UserMeta, Checksums
		for n := d.count(); n > 0 && d.err == nil; n-- {
			d.skip()
			d.skip()
		}
	}
	for n := d.count(); n > 0 && d.err == nil; n-- { // PartSizes
		d.uvarint()
	}
	n := d.count()
	return n > 0, d.err
}

// knownVersion reports whether val starts with a record version this
// build decodes.
func knownVersion(val []byte) bool {
	if len(val) == 0 {
		return false
	}
	v := val[0] &^ objRecordVersioned
	return v >= objRecordVersion && v <= objRecordVersionV3
}

// encryptionFields and encryptionFromFields map an encryption record to
// and from the names it is stored under.
// storage.Encryption.CustomerKey is never among them.
func encryptionFields(e *storage.Encryption) map[string]string {
	m := map[string]string{}
	for name, v := range map[string]string{"alg": e.Algorithm, "calg": e.CustomerAlgorithm,
		"kms": e.KMSKeyID, "ctx": e.Context, "key": string(e.WrappedKey)} {
		if v != "" {
			m[name] = v
		}
	}
	if e.BucketKey {
		m["bk"] = "1"
	}
	return m
}

func encryptionFromFields(m map[string]string) *storage.Encryption {
	e := &storage.Encryption{Algorithm: m["alg"], CustomerAlgorithm: m["calg"], KMSKeyID: m["kms"],
		Context: m["ctx"], BucketKey: m["bk"] == "1"}
	if k := m["key"]; k != "" {
		e.WrappedKey = []byte(k)
	}
	return e
}
