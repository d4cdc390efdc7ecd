package disk

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/s3kit/s3kit/storage"
)

// Names of bbolt buckets.
var (
	bktBuckets = []byte("buckets") // bucket name -> nested bucket
	bktFiles   = []byte("files")   // content file ID -> reference count
	keyInfo    = []byte("info")    // in a bucket: its BucketInfo
	keyTags    = []byte("tags")    // in a bucket: its tags (JSON), absent when none
	bktObjects = []byte("o")       // in a bucket: key -> object record
	bktUploads = []byte("u")       // in a bucket: upload ID -> upload record
	bktParts   = []byte("p")       // in a bucket: upload ID + part number -> part record
)

// extent is one content file and how many of its bytes the object uses.
type extent struct {
	ID   string
	Size int64
}

// objRecord is an object's index entry (binary layout in codec.go). Inline
// data, when the object has no extents, follows it in the stored value.
type objRecord struct {
	Size      int64
	ETag      string
	Mod       int64 // Unix nanoseconds
	Meta      storage.ObjectMeta
	PartSizes []int64
	Extents   []extent
	// PartChecksums is ObjectInfo.PartChecksums.
	PartChecksums []string
	// VID, Null and Marker are the versioning trailer (codec.go), set
	// only in versioned buckets: VID is the record's place in its key's
	// history (a versionid ID, which is also its version ID unless Null),
	// Null marks the "null" version, Marker a delete marker. A record
	// without VID (written before versioning) is a null version.
	VID    string
	Null   bool
	Marker bool
	// versioned is set by readers (never stored) when the record's bucket
	// has versioning on, so info reports "null" for a null version.
	versioned bool
}

func (r *objRecord) info(key string) storage.ObjectInfo {
	return storage.ObjectInfo{
		Key: key, Size: r.Size, ETag: r.ETag, LastModified: time.Unix(0, r.Mod).UTC(),
		Meta: r.Meta, PartSizes: r.PartSizes, PartChecksums: r.PartChecksums,
		VersionID: r.pubID(), DeleteMarker: r.Marker,
	}
}

type uploadRecord struct {
	Key       string             `json:"k"`
	Initiated int64              `json:"t"`
	Meta      storage.ObjectMeta `json:"meta"`
}

func (u *uploadRecord) info(id string) storage.UploadInfo {
	return storage.UploadInfo{Key: u.Key, UploadID: id, Initiated: time.Unix(0, u.Initiated).UTC(), Meta: u.Meta}
}

type partRecord struct {
	ETag      string            `json:"e"`
	Size      int64             `json:"s"`
	Mod       int64             `json:"m"`
	Checksums map[string]string `json:"c,omitempty"`
	File      string            `json:"f"`
}

func (p *partRecord) info(n int) storage.PartInfo {
	return storage.PartInfo{PartNumber: n, ETag: p.ETag, Size: p.Size, LastModified: time.Unix(0, p.Mod).UTC(), Checksums: p.Checksums}
}

var errCorrupt = errors.New("corrupt index record")

// encodeValue lays out an upload or part record as uvarint(len(header)) header data.
func encodeValue(header any, data []byte) ([]byte, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, binary.MaxVarintLen64+len(h)+len(data))
	out = binary.AppendUvarint(out, uint64(len(h)))
	out = append(out, h...)
	return append(out, data...), nil
}

// decodeValue parses a record's header into v and returns the data after it
// (aliasing val: copy it before the transaction ends).
func decodeValue(val []byte, v any) ([]byte, error) {
	n, w := binary.Uvarint(val)
	if w <= 0 || uint64(len(val)-w) < n {
		return nil, errCorrupt
	}
	if err := json.Unmarshal(val[w:w+int(n)], v); err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, err)
	}
	return val[w+int(n):], nil
}

// partKey is the parts-bucket key of part n of an upload.
func partKey(uploadID string, n int) []byte {
	k := make([]byte, len(uploadID)+4)
	copy(k, uploadID)
	binary.BigEndian.PutUint32(k[len(uploadID):], uint32(n))
	return k
}
