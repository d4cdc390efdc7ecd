package server

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

// Listing pages are the largest documents the server writes (1,000
// entries), and encoding/xml's reflection made encoding one cost as much as
// reading it from storage. These encoders write the same bytes as
// s3xml.Marshal for the two listing documents (TestListXMLMatchesMarshal
// compares them) in one pass over the storage entries, without reflection
// and without an intermediate []s3xml.Object: the common key, ETag and
// timestamp need no allocation at all.

// listXML builds one listing document.
type listXML struct{ b []byte }

// entryEstimate is a typical <Contents> element's length in bytes (about
// 200 for a short key), used to size the buffer once.
const entryEstimate = 224

func newListXML(entries int) *listXML {
	x := &listXML{b: make([]byte, 0, 512+entries*entryEstimate)}
	x.raw(xml.Header)
	x.raw(`<ListBucketResult xmlns="` + s3xml.Namespace + `">`)
	return x
}

func (x *listXML) raw(s string) { x.b = append(x.b, s...) }

// text appends s escaped as encoding/xml's EscapeText does. Printable ASCII,
// which nearly every key and every ETag is, is escaped here; anything else
// (control characters, UTF-8, invalid bytes) goes through EscapeText itself
// so the bytes stay identical.
func (x *listXML) text(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 {
			var buf bytes.Buffer
			_ = xml.EscapeText(&buf, []byte(s))
			x.b = append(x.b, buf.Bytes()...)
			return
		}
	}
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		x.b = append(x.b, s[last:i]...)
		x.b = append(x.b, esc...)
		last = i + 1
	}
	x.b = append(x.b, s[last:]...)
}

// elem writes <name>escaped value</name>.
func (x *listXML) elem(name, value string) {
	x.open(name)
	x.text(value)
	x.close(name)
}

func (x *listXML) open(name string) {
	x.b = append(x.b, '<')
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
}

func (x *listXML) close(name string) {
	x.b = append(x.b, "</"...)
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
}

// opt writes the element only when value is not empty (omitempty).
func (x *listXML) opt(name, value string) {
	if value != "" {
		x.elem(name, value)
	}
}

func (x *listXML) num(name string, v int64) {
	x.open(name)
	x.b = strconv.AppendInt(x.b, v, 10)
	x.close(name)
}

func (x *listXML) bool(name string, v bool) {
	x.open(name)
	x.b = strconv.AppendBool(x.b, v)
	x.close(name)
}

// time writes t as s3xml.Time marshals it (s3xml.TimeFormat, UTC).
func (x *listXML) time(name string, t time.Time) {
	x.open(name)
	x.b = appendTime(x.b, t)
	x.close(name)
}

// appendTime appends t in s3xml.TimeFormat (UTC, milliseconds truncated as
// time.Format truncates them) without parsing the layout each time.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, s3xml.TimeFormat)
	}
	hour, minute, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	d2 := func(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }
	b = d2(b, year/100)
	b = d2(b, year%100)
	b = append(b, '-')
	b = d2(b, int(month))
	b = append(b, '-')
	b = d2(b, day)
	b = append(b, 'T')
	b = d2(b, hour)
	b = append(b, ':')
	b = d2(b, minute)
	b = append(b, ':')
	b = d2(b, sec)
	return append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// objects writes one <Contents> element per stored object, with the
// encoding-type applied to keys and the owner when asked for.
func (x *listXML) objects(p listParams, objs []storage.ObjectInfo, owner bool) {
	for i := range objs {
		o := &objs[i]
		x.raw("<Contents>")
		x.elem("Key", p.enc(o.Key))
		x.time("LastModified", o.LastModified)
		x.elem("ETag", o.ETag)
		x.checksums(o.Meta)
		x.num("Size", o.Size)
		if owner {
			x.raw("<Owner>")
			x.elem("ID", ownerID)
			x.elem("DisplayName", ownerID)
			x.raw("</Owner>")
		}
		x.raw("<StorageClass>" + s3xml.StorageClassStandard + "</StorageClass></Contents>")
	}
}

// checksums writes what checksumAlgorithms lists, without allocating for
// the usual single checksum.
func (x *listXML) checksums(m storage.ObjectMeta) {
	n := 0
	one := ""
	for alg, v := range m.Checksums {
		if v != "" {
			n++
			one = alg
		}
	}
	switch n {
	case 0:
		return
	case 1:
		x.elem("ChecksumAlgorithm", one)
	default:
		algs, _ := checksumAlgorithms(m)
		for _, alg := range algs {
			x.elem("ChecksumAlgorithm", alg)
		}
	}
	x.opt("ChecksumType", m.ChecksumType)
}

func (x *listXML) prefixes(p listParams, ps []string) {
	for _, cp := range ps {
		x.raw("<CommonPrefixes>")
		x.elem("Prefix", p.enc(cp))
		x.raw("</CommonPrefixes>")
	}
}

func (x *listXML) finish() []byte {
	x.raw("</ListBucketResult>")
	return x.b
}

// marshalListV1 encodes a ListObjects (version 1) page: d's header fields,
// then res's objects (always with their owner, as S3 sends them in version
// 1) and common prefixes; d.Contents and d.CommonPrefixes are ignored.
func marshalListV1(d *s3xml.ListBucketResult, p listParams, res *storage.ListResult) []byte {
	x := newListXML(len(res.Objects) + len(res.CommonPrefixes))
	x.elem("Name", d.Name)
	x.elem("Prefix", d.Prefix)
	x.elem("Marker", d.Marker)
	x.opt("NextMarker", d.NextMarker)
	x.num("MaxKeys", int64(d.MaxKeys))
	x.opt("Delimiter", d.Delimiter)
	x.opt("EncodingType", d.EncodingType)
	x.bool("IsTruncated", d.IsTruncated)
	x.objects(p, res.Objects, true)
	x.prefixes(p, res.CommonPrefixes)
	return x.finish()
}

// marshalListV2 encodes a ListObjectsV2 page like marshalListV1, with the
// owner only when fetch-owner asked for it.
func marshalListV2(d *s3xml.ListBucketResultV2, p listParams, res *storage.ListResult, owner bool) []byte {
	x := newListXML(len(res.Objects) + len(res.CommonPrefixes))
	x.elem("Name", d.Name)
	x.elem("Prefix", d.Prefix)
	x.num("KeyCount", int64(d.KeyCount))
	x.num("MaxKeys", int64(d.MaxKeys))
	x.opt("Delimiter", d.Delimiter)
	x.opt("EncodingType", d.EncodingType)
	x.bool("IsTruncated", d.IsTruncated)
	x.opt("ContinuationToken", d.ContinuationToken)
	x.opt("NextContinuationToken", d.NextContinuationToken)
	x.opt("StartAfter", d.StartAfter)
	x.objects(p, res.Objects, owner)
	x.prefixes(p, res.CommonPrefixes)
	return x.finish()
}

// xmlBody answers with an already encoded XML document.
func xmlBody(b []byte) *response {
	r := &response{body: bytes.NewReader(b), size: int64(len(b))}
	r.setHeader("Content-Type", "application/xml")
	return r
}
