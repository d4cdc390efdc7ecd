package disk

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/s3kit/s3kit/storage"
)

func TestObjectRecordRoundTrip(t *testing.T) {
	cases := []struct {
		name   string
		rec    objRecord
		inline []byte
	}{
		{"Empty", objRecord{ETag: `"d41d8cd98f00b204e9800998ecf8427e"`}, nil},
		{"InlineWithMeta", objRecord{
			Size: 5, ETag: `"x"`, Mod: -12345,
			Meta: storage.ObjectMeta{
				ContentType: "text/plain", ContentEncoding: "gzip", ContentDisposition: "inline",
				ContentLanguage: "fr", CacheControl: "no-cache", Expires: "never", ChecksumType: "COMPOSITE",
				UserMeta:  map[string]string{"b": "2", "a": "", "ü": "日本"},
				Checksums: map[string]string{"CRC32C": "abc="},
			},
		}, []byte("hello")},
		{"Composite", objRecord{
			Size: 11, ETag: `"abc-2"`, Mod: 1700000000123456789,
			PartSizes: []int64{5 << 20, 7},
			Extents:   []extent{{ID: "0123456789abcdef0123456789abcdef", Size: 5 << 20}, {ID: "ff", Size: 7}},
		}, nil},
		{"PartChecksums", objRecord{
			Size: 11, ETag: `"abc-2"`, Mod: 1,
			Meta:          storage.ObjectMeta{Checksums: map[string]string{"CRC32": "AAAAAw==-2"}, ChecksumType: "COMPOSITE"},
			PartSizes:     []int64{5 << 20, 7},
			Extents:       []extent{{ID: "0123456789abcdef0123456789abcdef", Size: 5 << 20}, {ID: "ff", Size: 7}},
			PartChecksums: []string{"AAAAAQ==", "AAAAAg=="},
		}, []byte("tail")},
		{"Tags", objRecord{
			Size: 3, ETag: `"t"`, Mod: 2,
			Meta: storage.ObjectMeta{ContentType: "a/b", Tags: map[string]string{"k": "v", "empty": "", "ü": "日本"}},
		}, []byte("abc")},
		{"Encrypted", objRecord{Size: 3, ETag: `"e"`, Meta: storage.ObjectMeta{Encryption: encRec}}, []byte("sealed")},
		{"EncryptedWithTags", objRecord{Size: 3, ETag: `"e"`,
			Meta: storage.ObjectMeta{Encryption: encRec, Tags: map[string]string{"k": "v"}}}, nil},
		{"Versioned", objRecord{Size: 1, ETag: `"v"`, VID: "0123456789abcdef01234567"}, []byte("v")},
		{"VersionedWithTags", objRecord{Size: 1, ETag: `"v"`, VID: "0123456789abcdef01234567",
			Meta: storage.ObjectMeta{Tags: map[string]string{"k": "v"}}}, []byte("v")},
		{"VersionedEncrypted", objRecord{Size: 1, ETag: `"v"`, VID: "0123456789abcdef01234567",
			Meta: storage.ObjectMeta{Encryption: encRec, Tags: map[string]string{"k": "v"}}}, []byte("sealed")},
		{"VersionedEncryptedNull", objRecord{Size: 1, ETag: `"v"`, VID: "0123456789abcdef01234567", Null: true,
			Meta: storage.ObjectMeta{Encryption: encRec}}, nil},
		{"Marker", objRecord{VID: "0123456789abcdef01234567", Marker: true, Null: true}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			val := encodeObject(&c.rec, c.inline)
			var got objRecord
			inline, err := decodeObject(val, &got)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.rec) || !bytes.Equal(inline, c.inline) {
				t.Fatalf("round trip = %+v %q, want %+v %q", got, inline, c.rec, c.inline)
			}
			if v := wantRecordVersion(&c.rec); val[0] != v {
				t.Fatalf("version byte %#x, want %#x", val[0], v)
			}
			if ext, err := objectHasExtents(val); err != nil || ext != (len(c.rec.Extents) > 0) {
				t.Fatalf("objectHasExtents = %v, %v; record has %d extents", ext, err, len(c.rec.Extents))
			}
			// Every truncation is detected or decodes to a shorter inline
			// tail; none panics.
			for i := 0; i < len(val)-len(c.inline); i++ {
				if _, err := decodeObject(val[:i], &got); err == nil {
					t.Fatalf("truncated record (%d of %d bytes) decoded without error", i, len(val))
				}
			}
		})
	}
}

// encRec is an encryption record with every field the codec keeps.
var encRec = &storage.Encryption{Algorithm: storage.SSEAlgorithmKMS, KMSKeyID: "arn:aws:kms:us-east-1:000000000000:key/k",
	Context: "e30=", BucketKey: true, WrappedKey: []byte{0, 1, 2, 0xff}}

// wantRecordVersion is the version byte a record must be written with:
// the lowest version that holds its fields (1, 2 with part checksums or
// tags, 3 with encryption), with the 0x80 bit when it has a versioning
// trailer.
func wantRecordVersion(rec *objRecord) byte {
	v := byte(1)
	if rec.PartChecksums != nil || len(rec.Meta.Tags) > 0 {
		v = 2
	}
	if rec.Meta.Encryption != nil {
		v = 3
	}
	if rec.VID != "" || rec.Null || rec.Marker {
		v |= 0x80
	}
	return v
}

// TestRecordVersionsKnown checks which version bytes a reader accepts:
// 1 to 3, each with or without the versioning bit, and nothing else (a
// record of a newer build is refused, not misread).
func TestRecordVersionsKnown(t *testing.T) {
	for b := 0; b < 256; b++ {
		v := b &^ 0x80
		want := v >= 1 && v <= 3
		if got := knownVersion([]byte{byte(b)}); got != want {
			t.Errorf("knownVersion(%#x) = %v, want %v", b, got, want)
		}
	}
}

func FuzzDecodeObject(f *testing.F) {
	f.Add(encodeObject(&objRecord{Size: 1, ETag: "e", PartSizes: []int64{1}}, []byte("x")))
	f.Add(encodeObject(&objRecord{Size: 1, ETag: "e", PartSizes: []int64{1}, PartChecksums: []string{"x"}}, []byte("x")))
	f.Add(encodeObject(&objRecord{Size: 1, ETag: "e", VID: "v", Meta: storage.ObjectMeta{Encryption: encRec}}, []byte("x")))
	f.Add([]byte{objRecordVersion, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, val []byte) {
		var rec objRecord
		_, err := decodeObject(val, &rec)
		if ext, herr := objectHasExtents(val); err == nil && (herr != nil || ext != (len(rec.Extents) > 0)) {
			t.Fatalf("objectHasExtents = %v, %v for a record with %d extents", ext, herr, len(rec.Extents))
		}
		if err != nil {
			return
		}
		// Whatever decodes must re-encode to a record that decodes the same.
		var again objRecord
		if _, err := decodeObject(encodeObject(&rec, nil), &again); err != nil || !reflect.DeepEqual(rec, again) {
			t.Fatalf("re-encoded record differs: %+v vs %+v (%v)", rec, again, err)
		}
	})
}
