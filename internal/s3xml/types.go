package s3xml

import (
	"bytes"
	"encoding/xml"
)

// Namespace is the XML namespace S3 declares on its documents.
const Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// Marshal encodes v with the XML declaration S3 puts first
// (<?xml version="1.0" encoding="UTF-8"?>).
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeNS encodes v (a type without MarshalXML, converted from the public
// one) as element name in S3's namespace. The public types name their root
// element without a namespace so that unmarshalling accepts any namespace.
func encodeNS(e *xml.Encoder, v any, name string) error {
	start := xml.StartElement{
		Name: xml.Name{Local: name},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}},
	}
	return e.EncodeElement(v, start)
}

// Owner identifies the owner of a bucket, object or upload.
type Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// Initiator identifies who started a multipart upload.
type Initiator struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

// CommonPrefix is one rolled-up prefix in a listing with a delimiter.
type CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// Checksums are the x-amz-checksum-* values S3 reports in documents
// (base64), and the checksum type (FULL_OBJECT or COMPOSITE).
type Checksums struct {
	ChecksumCRC32     string `xml:"ChecksumCRC32,omitempty"`
	ChecksumCRC32C    string `xml:"ChecksumCRC32C,omitempty"`
	ChecksumCRC64NVME string `xml:"ChecksumCRC64NVME,omitempty"`
	ChecksumSHA1      string `xml:"ChecksumSHA1,omitempty"`
	ChecksumSHA256    string `xml:"ChecksumSHA256,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
}

// Get returns the checksum for an algorithm spelled as in headers ("CRC32",
// "CRC32C", "CRC64NVME", "SHA1", "SHA256"), or "".
func (c Checksums) Get(alg string) string {
	switch alg {
	case "CRC32":
		return c.ChecksumCRC32
	case "CRC32C":
		return c.ChecksumCRC32C
	case "CRC64NVME":
		return c.ChecksumCRC64NVME
	case "SHA1":
		return c.ChecksumSHA1
	case "SHA256":
		return c.ChecksumSHA256
	}
	return ""
}

// Set stores value for an algorithm spelled as in headers and reports
// whether the algorithm is known.
func (c *Checksums) Set(alg, value string) bool {
	switch alg {
	case "CRC32":
		c.ChecksumCRC32 = value
	case "CRC32C":
		c.ChecksumCRC32C = value
	case "CRC64NVME":
		c.ChecksumCRC64NVME = value
	case "SHA1":
		c.ChecksumSHA1 = value
	case "SHA256":
		c.ChecksumSHA256 = value
	default:
		return false
	}
	return true
}

// ChecksumAlgorithms lists the algorithms S3 supports, as spelled in
// x-amz-checksum-algorithm and in header names (lower-cased there).
func ChecksumAlgorithms() []string {
	return []string{"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"}
}

// Bucket is one entry of ListAllMyBucketsResult.
type Bucket struct {
	Name         string `xml:"Name"`
	CreationDate Time   `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

// ListAllMyBucketsResult is the ListBuckets response.
type ListAllMyBucketsResult struct {
	XMLName           xml.Name `xml:"ListAllMyBucketsResult"`
	Owner             *Owner   `xml:"Owner,omitempty"`
	Buckets           []Bucket `xml:"Buckets>Bucket"`
	ContinuationToken string   `xml:"ContinuationToken,omitempty"`
	Prefix            string   `xml:"Prefix,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r ListAllMyBucketsResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListAllMyBucketsResult
	return encodeNS(e, plain(r), "ListAllMyBucketsResult")
}

// Object is one Contents entry of a ListObjects (v1 or v2) response.
type Object struct {
	Key               string   `xml:"Key"`
	LastModified      Time     `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	ChecksumAlgorithm []string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              int64    `xml:"Size"`
	Owner             *Owner   `xml:"Owner,omitempty"`
	StorageClass      string   `xml:"StorageClass,omitempty"`
}

// ListBucketResult is the ListObjects (version 1) response.
type ListBucketResult struct {
	XMLName        xml.Name       `xml:"ListBucketResult"`
	Name           string         `xml:"Name"`
	Prefix         string         `xml:"Prefix"`
	Marker         string         `xml:"Marker"`
	NextMarker     string         `xml:"NextMarker,omitempty"`
	MaxKeys        int            `xml:"MaxKeys"`
	Delimiter      string         `xml:"Delimiter,omitempty"`
	EncodingType   string         `xml:"EncodingType,omitempty"`
	IsTruncated    bool           `xml:"IsTruncated"`
	Contents       []Object       `xml:"Contents"`
	CommonPrefixes []CommonPrefix `xml:"CommonPrefixes"`
}

// MarshalXML writes the document in S3's namespace.
func (r ListBucketResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListBucketResult
	return encodeNS(e, plain(r), "ListBucketResult")
}

// ListBucketResultV2 is the ListObjectsV2 response (root element
// ListBucketResult, as S3 names it).
type ListBucketResultV2 struct {
	XMLName               xml.Name       `xml:"ListBucketResult"`
	Name                  string         `xml:"Name"`
	Prefix                string         `xml:"Prefix"`
	KeyCount              int            `xml:"KeyCount"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             string         `xml:"Delimiter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
	NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
	StartAfter            string         `xml:"StartAfter,omitempty"`
	Contents              []Object       `xml:"Contents"`
	CommonPrefixes        []CommonPrefix `xml:"CommonPrefixes"`
}

// MarshalXML writes the document in S3's namespace.
func (r ListBucketResultV2) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListBucketResultV2
	return encodeNS(e, plain(r), "ListBucketResult")
}

// ObjectVersion is one Version entry of ListVersionsResult.
type ObjectVersion struct {
	Key               string   `xml:"Key"`
	VersionID         string   `xml:"VersionId"`
	IsLatest          bool     `xml:"IsLatest"`
	LastModified      Time     `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	ChecksumAlgorithm []string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string   `xml:"ChecksumType,omitempty"`
	Size              int64    `xml:"Size"`
	Owner             *Owner   `xml:"Owner,omitempty"`
	StorageClass      string   `xml:"StorageClass,omitempty"`
}

// DeleteMarkerEntry is one DeleteMarker entry of ListVersionsResult.
type DeleteMarkerEntry struct {
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified Time   `xml:"LastModified"`
	Owner        *Owner `xml:"Owner,omitempty"`
}

// ListVersionsResult is the ListObjectVersions response.
type ListVersionsResult struct {
	XMLName             xml.Name            `xml:"ListVersionsResult"`
	Name                string              `xml:"Name"`
	Prefix              string              `xml:"Prefix"`
	KeyMarker           string              `xml:"KeyMarker"`
	VersionIDMarker     string              `xml:"VersionIdMarker"`
	NextKeyMarker       string              `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string              `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int                 `xml:"MaxKeys"`
	Delimiter           string              `xml:"Delimiter,omitempty"`
	EncodingType        string              `xml:"EncodingType,omitempty"`
	IsTruncated         bool                `xml:"IsTruncated"`
	Versions            []ObjectVersion     `xml:"Version"`
	DeleteMarkers       []DeleteMarkerEntry `xml:"DeleteMarker"`
	CommonPrefixes      []CommonPrefix      `xml:"CommonPrefixes"`
	// Order gives the document order of the Version and DeleteMarker
	// entries (true for a delete marker), which S3 interleaves by key and
	// then newest first: a marker and a version written in the same
	// millisecond can be ordered by nothing else. Unmarshalling sets it;
	// marshalling follows it when it names every entry, and otherwise
	// writes the versions, then the markers.
	Order []bool `xml:"-"`
}

// versionItem is one Version or DeleteMarker entry, for writing them in
// Order.
type versionItem struct {
	v *ObjectVersion
	m *DeleteMarkerEntry
}

// MarshalXML writes the entry under its own element name.
func (it versionItem) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	if it.m != nil {
		return e.EncodeElement(it.m, xml.StartElement{Name: xml.Name{Local: "DeleteMarker"}})
	}
	return e.EncodeElement(it.v, xml.StartElement{Name: xml.Name{Local: "Version"}})
}

// MarshalXML writes the document in S3's namespace.
func (r ListVersionsResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListVersionsResult
	if len(r.Order) != len(r.Versions)+len(r.DeleteMarkers) || len(r.Order) == 0 {
		return encodeNS(e, plain(r), "ListVersionsResult")
	}
	doc := struct {
		Name                string         `xml:"Name"`
		Prefix              string         `xml:"Prefix"`
		KeyMarker           string         `xml:"KeyMarker"`
		VersionIDMarker     string         `xml:"VersionIdMarker"`
		NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
		NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
		MaxKeys             int            `xml:"MaxKeys"`
		Delimiter           string         `xml:"Delimiter,omitempty"`
		EncodingType        string         `xml:"EncodingType,omitempty"`
		IsTruncated         bool           `xml:"IsTruncated"`
		Items               []versionItem  `xml:"Item"`
		CommonPrefixes      []CommonPrefix `xml:"CommonPrefixes"`
	}{r.Name, r.Prefix, r.KeyMarker, r.VersionIDMarker, r.NextKeyMarker, r.NextVersionIDMarker, r.MaxKeys,
		r.Delimiter, r.EncodingType, r.IsTruncated, make([]versionItem, 0, len(r.Order)), r.CommonPrefixes}
	vi, mi := 0, 0
	for _, marker := range r.Order {
		if marker && mi < len(r.DeleteMarkers) {
			doc.Items = append(doc.Items, versionItem{m: &r.DeleteMarkers[mi]})
			mi++
		} else if !marker && vi < len(r.Versions) {
			doc.Items = append(doc.Items, versionItem{v: &r.Versions[vi]})
			vi++
		} else {
			return encodeNS(e, plain(r), "ListVersionsResult")
		}
	}
	return encodeNS(e, doc, "ListVersionsResult")
}

// UnmarshalXML reads the document and records the entries' Order.
func (r *ListVersionsResult) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	// Plain has the fields and none of the methods; it is embedded under
	// an exported name so encoding/xml may set its fields.
	type Plain ListVersionsResult
	var doc struct {
		Plain
		Inner []byte `xml:",innerxml"`
	}
	if err := d.DecodeElement(&doc, &start); err != nil {
		return err
	}
	*r = ListVersionsResult(doc.Plain)
	var kinds struct {
		Any []struct{ XMLName xml.Name } `xml:",any"`
	}
	inner := append(append([]byte("<x>"), doc.Inner...), "</x>"...)
	if err := xml.Unmarshal(inner, &kinds); err != nil {
		return err
	}
	r.Order = nil
	for _, k := range kinds.Any {
		switch k.XMLName.Local {
		case "Version":
			r.Order = append(r.Order, false)
		case "DeleteMarker":
			r.Order = append(r.Order, true)
		}
	}
	return nil
}

// LocationConstraint is the GetBucketLocation response. Value is "" for
// us-east-1, as S3 answers.
type LocationConstraint struct {
	XMLName xml.Name `xml:"LocationConstraint"`
	Value   string   `xml:",chardata"`
}

// MarshalXML writes the document in S3's namespace.
func (r LocationConstraint) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain LocationConstraint
	return encodeNS(e, plain(r), "LocationConstraint")
}

// CreateBucketConfiguration is the optional CreateBucket request body.
type CreateBucketConfiguration struct {
	XMLName            xml.Name `xml:"CreateBucketConfiguration"`
	LocationConstraint string   `xml:"LocationConstraint,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r CreateBucketConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CreateBucketConfiguration
	return encodeNS(e, plain(r), "CreateBucketConfiguration")
}

// CopyObjectResult is the CopyObject response.
type CopyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified Time     `xml:"LastModified"`
	Checksums
}

// MarshalXML writes the document in S3's namespace.
func (r CopyObjectResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CopyObjectResult
	return encodeNS(e, plain(r), "CopyObjectResult")
}

// CopyPartResult is the UploadPartCopy response.
type CopyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	ETag         string   `xml:"ETag"`
	LastModified Time     `xml:"LastModified"`
	Checksums
}

// MarshalXML writes the document in S3's namespace.
func (r CopyPartResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CopyPartResult
	return encodeNS(e, plain(r), "CopyPartResult")
}

// InitiateMultipartUploadResult is the CreateMultipartUpload response.
type InitiateMultipartUploadResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// MarshalXML writes the document in S3's namespace.
func (r InitiateMultipartUploadResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain InitiateMultipartUploadResult
	return encodeNS(e, plain(r), "InitiateMultipartUploadResult")
}

// CompletedPart is one Part of a CompleteMultipartUpload request.
type CompletedPart struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	Checksums
}

// CompleteMultipartUpload is the CompleteMultipartUpload request body.
type CompleteMultipartUpload struct {
	XMLName xml.Name        `xml:"CompleteMultipartUpload"`
	Parts   []CompletedPart `xml:"Part"`
}

// MarshalXML writes the document in S3's namespace.
func (r CompleteMultipartUpload) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CompleteMultipartUpload
	return encodeNS(e, plain(r), "CompleteMultipartUpload")
}

// CompleteMultipartUploadResult is the CompleteMultipartUpload response.
// S3 may answer 200 with an Error document instead; clients must check the
// root element.
type CompleteMultipartUploadResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
	Checksums
}

// MarshalXML writes the document in S3's namespace.
func (r CompleteMultipartUploadResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain CompleteMultipartUploadResult
	return encodeNS(e, plain(r), "CompleteMultipartUploadResult")
}

// Part is one Part entry of ListPartsResult.
type Part struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified Time   `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	Checksums
}

// ListPartsResult is the ListParts response.
type ListPartsResult struct {
	XMLName              xml.Name   `xml:"ListPartsResult"`
	Bucket               string     `xml:"Bucket"`
	Key                  string     `xml:"Key"`
	UploadID             string     `xml:"UploadId"`
	PartNumberMarker     int        `xml:"PartNumberMarker"`
	NextPartNumberMarker int        `xml:"NextPartNumberMarker"`
	MaxParts             int        `xml:"MaxParts"`
	IsTruncated          bool       `xml:"IsTruncated"`
	Parts                []Part     `xml:"Part"`
	Initiator            *Initiator `xml:"Initiator,omitempty"`
	Owner                *Owner     `xml:"Owner,omitempty"`
	StorageClass         string     `xml:"StorageClass,omitempty"`
	ChecksumAlgorithm    string     `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string     `xml:"ChecksumType,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r ListPartsResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListPartsResult
	return encodeNS(e, plain(r), "ListPartsResult")
}

// Upload is one Upload entry of ListMultipartUploadsResult.
type Upload struct {
	Key               string     `xml:"Key"`
	UploadID          string     `xml:"UploadId"`
	Initiator         *Initiator `xml:"Initiator,omitempty"`
	Owner             *Owner     `xml:"Owner,omitempty"`
	StorageClass      string     `xml:"StorageClass,omitempty"`
	Initiated         Time       `xml:"Initiated"`
	ChecksumAlgorithm string     `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string     `xml:"ChecksumType,omitempty"`
}

// ListMultipartUploadsResult is the ListMultipartUploads response.
type ListMultipartUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker"`
	Prefix             string         `xml:"Prefix"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []Upload       `xml:"Upload"`
	CommonPrefixes     []CommonPrefix `xml:"CommonPrefixes"`
}

// MarshalXML writes the document in S3's namespace.
func (r ListMultipartUploadsResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ListMultipartUploadsResult
	return encodeNS(e, plain(r), "ListMultipartUploadsResult")
}

// ObjectIdentifier names one object in a Delete request.
type ObjectIdentifier struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	ETag      string `xml:"ETag,omitempty"`
}

// Delete is the DeleteObjects request body (at most MaxDeleteObjects
// objects).
type Delete struct {
	XMLName xml.Name           `xml:"Delete"`
	Objects []ObjectIdentifier `xml:"Object"`
	Quiet   bool               `xml:"Quiet,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r Delete) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain Delete
	return encodeNS(e, plain(r), "Delete")
}

// MaxDeleteObjects is the most keys one DeleteObjects request may name.
const MaxDeleteObjects = 1000

// DeletedObject is one Deleted entry of DeleteResult.
type DeletedObject struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

// DeleteError is one Error entry of DeleteResult.
type DeleteError struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// DeleteResult is the DeleteObjects response. In quiet mode Deleted is
// empty and only errors are listed.
type DeleteResult struct {
	XMLName xml.Name        `xml:"DeleteResult"`
	Deleted []DeletedObject `xml:"Deleted"`
	Errors  []DeleteError   `xml:"Error"`
}

// MarshalXML writes the document in S3's namespace.
func (r DeleteResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain DeleteResult
	return encodeNS(e, plain(r), "DeleteResult")
}

// VersioningConfiguration is the GetBucketVersioning response and the
// PutBucketVersioning request. Status is "" for a bucket that never had
// versioning, "Enabled" or "Suspended".
type VersioningConfiguration struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Status    string   `xml:"Status,omitempty"`
	MFADelete string   `xml:"MfaDelete,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r VersioningConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain VersioningConfiguration
	return encodeNS(e, plain(r), "VersioningConfiguration")
}

// Tag is one key/value pair of a TagSet.
type Tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// Tagging is the Get/PutObjectTagging (and bucket tagging) document.
type Tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  []Tag    `xml:"TagSet>Tag"`
}

// MarshalXML writes the document in S3's namespace.
func (r Tagging) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain Tagging
	return encodeNS(e, plain(r), "Tagging")
}

// XSINamespace is the XML Schema instance namespace Grantee's type
// attribute lives in.
const XSINamespace = "http://www.w3.org/2001/XMLSchema-instance"

// Grantee is who a Grant gives a permission to.
type Grantee struct {
	// Type is "CanonicalUser", "Group" or "AmazonCustomerByEmail" (the
	// xsi:type attribute).
	Type        string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	ID          string `xml:"ID,omitempty"`
	DisplayName string `xml:"DisplayName,omitempty"`
	URI         string `xml:"URI,omitempty"`
}

// Grant is one entry of an access control list.
type Grant struct {
	Grantee    Grantee `xml:"Grantee"`
	Permission string  `xml:"Permission"`
}

// AccessControlPolicy is the Get/PutBucketAcl and Get/PutObjectAcl document.
type AccessControlPolicy struct {
	XMLName           xml.Name `xml:"AccessControlPolicy"`
	Owner             *Owner   `xml:"Owner,omitempty"`
	AccessControlList []Grant  `xml:"AccessControlList>Grant"`
}

// MarshalXML writes the document in S3's namespace.
func (r AccessControlPolicy) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain AccessControlPolicy
	return encodeNS(e, plain(r), "AccessControlPolicy")
}

// GetObjectAttributesResponse is the GetObjectAttributes response; only
// the attributes the request named are set.
type GetObjectAttributesResponse struct {
	XMLName      xml.Name              `xml:"GetObjectAttributesResponse"`
	ETag         string                `xml:"ETag,omitempty"` // without quotes
	Checksum     *Checksums            `xml:"Checksum,omitempty"`
	ObjectParts  *ObjectAttributeParts `xml:"ObjectParts,omitempty"`
	StorageClass string                `xml:"StorageClass,omitempty"`
	ObjectSize   *int64                `xml:"ObjectSize,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r GetObjectAttributesResponse) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain GetObjectAttributesResponse
	return encodeNS(e, plain(r), "GetObjectAttributesResponse")
}

// ObjectAttributeParts is GetObjectAttributes' ObjectParts: a page of the
// parts a multipart object was assembled from.
type ObjectAttributeParts struct {
	PartsCount           int          `xml:"PartsCount"`
	PartNumberMarker     *int         `xml:"PartNumberMarker,omitempty"`
	NextPartNumberMarker *int         `xml:"NextPartNumberMarker,omitempty"`
	MaxParts             *int         `xml:"MaxParts,omitempty"`
	IsTruncated          *bool        `xml:"IsTruncated,omitempty"`
	Parts                []ObjectPart `xml:"Part"`
}

// ObjectPart is one Part of ObjectAttributeParts.
type ObjectPart struct {
	PartNumber int   `xml:"PartNumber"`
	Size       int64 `xml:"Size"`
	Checksums
}

// The documents below answer a bucket's configuration subresources. s3kit
// stores none of these configurations, so it only ever sends the answer
// S3 gives for a new bucket; the types carry the fields that answer needs.

// ServerSideEncryptionConfiguration is the GetBucketEncryption response.
type ServerSideEncryptionConfiguration struct {
	XMLName xml.Name                   `xml:"ServerSideEncryptionConfiguration"`
	Rules   []ServerSideEncryptionRule `xml:"Rule"`
}

// MarshalXML writes the document in S3's namespace.
func (r ServerSideEncryptionConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain ServerSideEncryptionConfiguration
	return encodeNS(e, plain(r), "ServerSideEncryptionConfiguration")
}

// ServerSideEncryptionRule is one Rule of ServerSideEncryptionConfiguration.
type ServerSideEncryptionRule struct {
	ApplyServerSideEncryptionByDefault *ServerSideEncryptionByDefault `xml:"ApplyServerSideEncryptionByDefault,omitempty"`
	BucketKeyEnabled                   *bool                          `xml:"BucketKeyEnabled,omitempty"`
}

// ServerSideEncryptionByDefault is the encryption applied to objects put
// without one: SSEAlgorithm "AES256" (SSE-S3), "aws:kms" or "aws:kms:dsse".
type ServerSideEncryptionByDefault struct {
	SSEAlgorithm   string `xml:"SSEAlgorithm"`
	KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
}

// AccelerateConfiguration is the GetBucketAccelerateConfiguration
// response; Status is "" for a bucket that never had acceleration.
type AccelerateConfiguration struct {
	XMLName xml.Name `xml:"AccelerateConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r AccelerateConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain AccelerateConfiguration
	return encodeNS(e, plain(r), "AccelerateConfiguration")
}

// RequestPaymentConfiguration is the GetBucketRequestPayment response;
// Payer is "BucketOwner" or "Requester".
type RequestPaymentConfiguration struct {
	XMLName xml.Name `xml:"RequestPaymentConfiguration"`
	Payer   string   `xml:"Payer"`
}

// MarshalXML writes the document in S3's namespace.
func (r RequestPaymentConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain RequestPaymentConfiguration
	return encodeNS(e, plain(r), "RequestPaymentConfiguration")
}

// BucketLoggingStatus is the GetBucketLogging response; without
// LoggingEnabled, server access logging is off.
type BucketLoggingStatus struct {
	XMLName        xml.Name        `xml:"BucketLoggingStatus"`
	LoggingEnabled *LoggingEnabled `xml:"LoggingEnabled,omitempty"`
}

// MarshalXML writes the document in S3's namespace.
func (r BucketLoggingStatus) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain BucketLoggingStatus
	return encodeNS(e, plain(r), "BucketLoggingStatus")
}

// LoggingEnabled is where a bucket's access logs go.
type LoggingEnabled struct {
	TargetBucket string `xml:"TargetBucket"`
	TargetPrefix string `xml:"TargetPrefix"`
}

// OwnershipControls is the GetBucketOwnershipControls response.
type OwnershipControls struct {
	XMLName xml.Name                `xml:"OwnershipControls"`
	Rules   []OwnershipControlsRule `xml:"Rule"`
}

// MarshalXML writes the document in S3's namespace.
func (r OwnershipControls) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain OwnershipControls
	return encodeNS(e, plain(r), "OwnershipControls")
}

// OwnershipControlsRule is one Rule of OwnershipControls: ObjectOwnership
// is "BucketOwnerEnforced" (ACLs disabled), "BucketOwnerPreferred" or
// "ObjectWriter".
type OwnershipControlsRule struct {
	ObjectOwnership string `xml:"ObjectOwnership"`
}

// PublicAccessBlockConfiguration is the GetPublicAccessBlock response.
type PublicAccessBlockConfiguration struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

// MarshalXML writes the document in S3's namespace.
func (r PublicAccessBlockConfiguration) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain PublicAccessBlockConfiguration
	return encodeNS(e, plain(r), "PublicAccessBlockConfiguration")
}
