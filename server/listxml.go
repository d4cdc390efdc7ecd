package server

import (
	"bytes"
	"encoding/xml"
	"strconv"

	"github.com/s3kit/s3kit/internal/s3xml"
)

// Listing pages are the largest documents the server writes (1,000
// entries), and encoding/xml's reflection made encoding one cost as much as
// reading it from storage. These encoders write the same bytes as
// s3xml.Marshal for the two listing documents (TestListXMLMatchesMarshal
// compares them) without reflection.

// listXML builds one listing document.
type listXML struct{ b bytes.Buffer }

func newListXML(entries int) *listXML {
	x := &listXML{}
	x.b.Grow(512 + entries*256)
	x.b.WriteString(xml.Header)
	x.b.WriteString(`<ListBucketResult xmlns="` + s3xml.Namespace + `">`)
	return x
}

// elem writes <name>escaped value</name>.
func (x *listXML) elem(name, value string) {
	x.b.WriteByte('<')
	x.b.WriteString(name)
	x.b.WriteByte('>')
	_ = xml.EscapeText(&x.b, []byte(value))
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteByte('>')
}

// opt writes the element only when value is not empty (omitempty).
func (x *listXML) opt(name, value string) {
	if value != "" {
		x.elem(name, value)
	}
}

func (x *listXML) num(name string, v int64) { x.elem(name, strconv.FormatInt(v, 10)) }

func (x *listXML) objects(objs []s3xml.Object) {
	for i := range objs {
		o := &objs[i]
		x.b.WriteString("<Contents>")
		x.elem("Key", o.Key)
		x.elem("LastModified", o.LastModified.UTC().Format(s3xml.TimeFormat))
		x.elem("ETag", o.ETag)
		for _, alg := range o.ChecksumAlgorithm {
			x.elem("ChecksumAlgorithm", alg)
		}
		x.opt("ChecksumType", o.ChecksumType)
		x.num("Size", o.Size)
		if o.Owner != nil {
			x.b.WriteString("<Owner>")
			x.elem("ID", o.Owner.ID)
			x.opt("DisplayName", o.Owner.DisplayName)
			x.b.WriteString("</Owner>")
		}
		x.opt("StorageClass", o.StorageClass)
		x.b.WriteString("</Contents>")
	}
}

func (x *listXML) prefixes(ps []s3xml.CommonPrefix) {
	for _, p := range ps {
		x.b.WriteString("<CommonPrefixes>")
		x.elem("Prefix", p.Prefix)
		x.b.WriteString("</CommonPrefixes>")
	}
}

func (x *listXML) finish() []byte {
	x.b.WriteString("</ListBucketResult>")
	return x.b.Bytes()
}

// marshalListV1 encodes a ListObjects (version 1) page.
func marshalListV1(d *s3xml.ListBucketResult) []byte {
	x := newListXML(len(d.Contents) + len(d.CommonPrefixes))
	x.elem("Name", d.Name)
	x.elem("Prefix", d.Prefix)
	x.elem("Marker", d.Marker)
	x.opt("NextMarker", d.NextMarker)
	x.num("MaxKeys", int64(d.MaxKeys))
	x.opt("Delimiter", d.Delimiter)
	x.opt("EncodingType", d.EncodingType)
	x.elem("IsTruncated", strconv.FormatBool(d.IsTruncated))
	x.objects(d.Contents)
	x.prefixes(d.CommonPrefixes)
	return x.finish()
}

// marshalListV2 encodes a ListObjectsV2 page.
func marshalListV2(d *s3xml.ListBucketResultV2) []byte {
	x := newListXML(len(d.Contents) + len(d.CommonPrefixes))
	x.elem("Name", d.Name)
	x.elem("Prefix", d.Prefix)
	x.num("KeyCount", int64(d.KeyCount))
	x.num("MaxKeys", int64(d.MaxKeys))
	x.opt("Delimiter", d.Delimiter)
	x.opt("EncodingType", d.EncodingType)
	x.elem("IsTruncated", strconv.FormatBool(d.IsTruncated))
	x.opt("ContinuationToken", d.ContinuationToken)
	x.opt("NextContinuationToken", d.NextContinuationToken)
	x.opt("StartAfter", d.StartAfter)
	x.objects(d.Contents)
	x.prefixes(d.CommonPrefixes)
	return x.finish()
}

// xmlBody answers with an already encoded XML document.
func xmlBody(b []byte) *response {
	r := &response{body: bytes.NewReader(b), size: int64(len(b))}
	r.setHeader("Content-Type", "application/xml")
	return r
}
