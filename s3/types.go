package s3

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Checksums are the x-amz-checksum-* values (base64) an object or part
// carries. A value ending in "-N" is a composite checksum of N parts.
type Checksums struct {
	CRC32, CRC32C, CRC64NVME, SHA1, SHA256 string
	// Type is FULL_OBJECT or COMPOSITE when the server says.
	Type string
}

func checksumsFromHeader(h http.Header) Checksums {
	return Checksums{
		CRC32:     h.Get("X-Amz-Checksum-Crc32"),
		CRC32C:    h.Get("X-Amz-Checksum-Crc32c"),
		CRC64NVME: h.Get("X-Amz-Checksum-Crc64nvme"),
		SHA1:      h.Get("X-Amz-Checksum-Sha1"),
		SHA256:    h.Get("X-Amz-Checksum-Sha256"),
		Type:      h.Get(s3xml.HeaderChecksumType),
	}
}

func checksumsFromXML(c s3xml.Checksums) Checksums {
	return Checksums{CRC32: c.ChecksumCRC32, CRC32C: c.ChecksumCRC32C, CRC64NVME: c.ChecksumCRC64NVME,
		SHA1: c.ChecksumSHA1, SHA256: c.ChecksumSHA256, Type: c.ChecksumType}
}

func (c Checksums) xml() s3xml.Checksums {
	return s3xml.Checksums{ChecksumCRC32: c.CRC32, ChecksumCRC32C: c.CRC32C, ChecksumCRC64NVME: c.CRC64NVME,
		ChecksumSHA1: c.SHA1, ChecksumSHA256: c.SHA256}
}

// ObjectInfo is what HEAD and GET report about an object.
type ObjectInfo struct {
	// ContentLength is the length of this response's body (the range, for
	// a ranged GET).
	ContentLength int64
	// Size is the whole object's size: ContentLength, or the total from
	// Content-Range for a ranged or part request.
	Size               int64
	ContentRange       string
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string
	// ETag keeps its quotes, as S3 sends it ("\"9bb5...\"", "\"...-3\"").
	ETag         string
	LastModified time.Time
	VersionID    string
	StorageClass string
	DeleteMarker bool
	// PartsCount is x-amz-mp-parts-count (with PartNumber requests).
	PartsCount int
	// Metadata holds x-amz-meta-* headers, keys lower-cased without the
	// prefix, as botocore returns them.
	Metadata  map[string]string
	Checksums Checksums
	// Encryption is how the object is encrypted at rest.
	Encryption Encryption
}

// Encryption is how the server encrypts an object: the
// x-amz-server-side-encryption headers of a response.
type Encryption struct {
	// ServerSideEncryption is "AES256", "aws:kms", "aws:kms:dsse" or empty.
	ServerSideEncryption string
	// SSECustomerAlgorithm is set ("AES256") for SSE-C objects.
	SSECustomerAlgorithm string
}

// ETagIsMD5 reports whether an ETag returned with this encryption is the
// MD5 of the body, as S3 documents it is except under SSE-KMS and SSE-C.
func (e Encryption) ETagIsMD5() bool {
	return !strings.HasPrefix(e.ServerSideEncryption, "aws:kms") && e.SSECustomerAlgorithm == ""
}

func encryptionFromHeader(h http.Header) Encryption {
	return Encryption{ServerSideEncryption: h.Get("X-Amz-Server-Side-Encryption"),
		SSECustomerAlgorithm: h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm")}
}

func objectInfoFromResponse(resp *http.Response) ObjectInfo {
	h := resp.Header
	info := ObjectInfo{
		ContentLength:      resp.ContentLength,
		Size:               resp.ContentLength,
		ContentRange:       h.Get("Content-Range"),
		ContentType:        h.Get("Content-Type"),
		ContentEncoding:    h.Get("Content-Encoding"),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            h.Get("Expires"),
		ETag:               h.Get("Etag"),
		VersionID:          h.Get(s3xml.HeaderVersionID),
		StorageClass:       h.Get(s3xml.HeaderStorageClass),
		DeleteMarker:       h.Get(s3xml.HeaderDeleteMarker) == "true",
		Checksums:          checksumsFromHeader(h),
		Encryption:         encryptionFromHeader(h),
	}
	if info.ContentLength < 0 {
		if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil {
			info.ContentLength, info.Size = n, n
		}
	}
	if t, err := http.ParseTime(h.Get("Last-Modified")); err == nil {
		info.LastModified = t
	}
	if n, err := strconv.Atoi(h.Get(s3xml.HeaderMPPartsCount)); err == nil {
		info.PartsCount = n
	}
	if _, total, ok := strings.Cut(info.ContentRange, "/"); ok {
		if n, err := strconv.ParseInt(total, 10, 64); err == nil {
			info.Size = n
		}
	}
	for k, vs := range h {
		if strings.HasPrefix(k, s3xml.HeaderMetaPrefix) && len(vs) > 0 {
			if info.Metadata == nil {
				info.Metadata = map[string]string{}
			}
			info.Metadata[strings.ToLower(k[len(s3xml.HeaderMetaPrefix):])] = vs[0]
		}
	}
	return info
}

// ObjectHeaders are the stored headers and metadata set when an object is
// written (PutObject, CreateMultipartUpload, CopyObject with REPLACE).
type ObjectHeaders struct {
	ContentType        string
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string
	StorageClass       string
	// Metadata becomes x-amz-meta-* headers.
	Metadata map[string]string
}

func (o ObjectHeaders) apply(h http.Header) {
	set(h, "Content-Type", o.ContentType)
	set(h, "Content-Encoding", o.ContentEncoding)
	set(h, "Content-Disposition", o.ContentDisposition)
	set(h, "Content-Language", o.ContentLanguage)
	set(h, "Cache-Control", o.CacheControl)
	set(h, "Expires", o.Expires)
	set(h, s3xml.HeaderStorageClass, o.StorageClass)
	for k, v := range o.Metadata {
		h.Set(s3xml.HeaderMetaPrefix+k, v)
	}
}

func set(h http.Header, k, v string) {
	if v != "" {
		h.Set(k, v)
	}
}

func setTime(h http.Header, k string, t time.Time) {
	if !t.IsZero() {
		h.Set(k, t.UTC().Format(http.TimeFormat))
	}
}
