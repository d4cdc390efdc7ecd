package s3xml

import (
	"bytes"
	"encoding/xml"
	"reflect"
	"strings"
	"testing"
	"time"
)

var fixed = time.Date(2026, 11, 27, 1, 2, 3, 456789000, time.UTC)

func TestRoundTrip(t *testing.T) {
	ts := NewTime(fixed)
	owner := &Owner{ID: "s3kit", DisplayName: "s3kit"}
	sums := Checksums{ChecksumCRC32: "AAAAAA==", ChecksumType: "FULL_OBJECT"}
	tests := []struct {
		name string
		v    any
		root string
		ns   bool
	}{
		{"ListAllMyBucketsResult", &ListAllMyBucketsResult{Owner: owner, Buckets: []Bucket{{Name: "a", CreationDate: ts}, {Name: "b", CreationDate: ts}}}, "ListAllMyBucketsResult", true},
		{"ListBucketResult", &ListBucketResult{Name: "b", Prefix: "p/", Marker: "m", NextMarker: "n", MaxKeys: 2, Delimiter: "/", IsTruncated: true,
			Contents:       []Object{{Key: "p/a", LastModified: ts, ETag: `"abc"`, Size: 3, StorageClass: "STANDARD", Owner: owner}},
			CommonPrefixes: []CommonPrefix{{Prefix: "p/d/"}}}, "ListBucketResult", true},
		{"ListBucketResultV2", &ListBucketResultV2{Name: "b", KeyCount: 1, MaxKeys: 1000, ContinuationToken: "c", NextContinuationToken: "d", StartAfter: "s", EncodingType: "url",
			Contents: []Object{{Key: "a%20b", LastModified: ts, ETag: `"abc"`, Size: 3, ChecksumAlgorithm: []string{"CRC32"}}}}, "ListBucketResult", true},
		{"ListVersionsResult", &ListVersionsResult{Name: "b", MaxKeys: 1000,
			Versions:      []ObjectVersion{{Key: "k", VersionID: "null", IsLatest: true, LastModified: ts, ETag: `"e"`, Size: 1}},
			DeleteMarkers: []DeleteMarkerEntry{{Key: "d", VersionID: "v1", LastModified: ts}}, Order: []bool{false, true}}, "ListVersionsResult", true},
		{"LocationConstraint", &LocationConstraint{Value: "eu-west-1"}, "LocationConstraint", true},
		{"CreateBucketConfiguration", &CreateBucketConfiguration{LocationConstraint: "eu-west-1"}, "CreateBucketConfiguration", true},
		{"CopyObjectResult", &CopyObjectResult{ETag: `"e"`, LastModified: ts, Checksums: sums}, "CopyObjectResult", true},
		{"CopyPartResult", &CopyPartResult{ETag: `"e"`, LastModified: ts}, "CopyPartResult", true},
		{"InitiateMultipartUploadResult", &InitiateMultipartUploadResult{Bucket: "b", Key: "k", UploadID: "u"}, "InitiateMultipartUploadResult", true},
		{"CompleteMultipartUpload", &CompleteMultipartUpload{Parts: []CompletedPart{{PartNumber: 1, ETag: `"a"`, Checksums: Checksums{ChecksumCRC32: "x"}}, {PartNumber: 2, ETag: `"b"`}}}, "CompleteMultipartUpload", true},
		{"CompleteMultipartUploadResult", &CompleteMultipartUploadResult{Location: "http://h/b/k", Bucket: "b", Key: "k", ETag: `"e-2"`, Checksums: sums}, "CompleteMultipartUploadResult", true},
		{"ListPartsResult", &ListPartsResult{Bucket: "b", Key: "k", UploadID: "u", MaxParts: 1000, NextPartNumberMarker: 2, Initiator: &Initiator{ID: "i"}, Owner: owner, StorageClass: "STANDARD",
			Parts: []Part{{PartNumber: 1, LastModified: ts, ETag: `"a"`, Size: 5 << 20}, {PartNumber: 2, LastModified: ts, ETag: `"b"`, Size: 1}}}, "ListPartsResult", true},
		{"ListMultipartUploadsResult", &ListMultipartUploadsResult{Bucket: "b", MaxUploads: 1000, Uploads: []Upload{{Key: "k", UploadID: "u", Initiated: ts, StorageClass: "STANDARD"}},
			CommonPrefixes: []CommonPrefix{{Prefix: "x/"}}}, "ListMultipartUploadsResult", true},
		{"Delete", &Delete{Quiet: true, Objects: []ObjectIdentifier{{Key: "a"}, {Key: "b", VersionID: "null"}}}, "Delete", true},
		{"DeleteResult", &DeleteResult{Deleted: []DeletedObject{{Key: "a"}}, Errors: []DeleteError{{Key: "b", Code: CodeAccessDenied, Message: "Access Denied"}}}, "DeleteResult", true},
		{"VersioningConfiguration", &VersioningConfiguration{Status: "Enabled"}, "VersioningConfiguration", true},
		{"Tagging", &Tagging{TagSet: []Tag{{Key: "k", Value: "v"}}}, "Tagging", true},
		{"AccessControlPolicy", &AccessControlPolicy{Owner: owner, AccessControlList: []Grant{{Grantee: Grantee{Type: "CanonicalUser", ID: "s3kit"}, Permission: "FULL_CONTROL"}}}, "AccessControlPolicy", true},
		{"ServerSideEncryptionConfiguration", &ServerSideEncryptionConfiguration{Rules: []ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &ServerSideEncryptionByDefault{SSEAlgorithm: "AES256"}, BucketKeyEnabled: new(bool)}}}, "ServerSideEncryptionConfiguration", true},
		{"AccelerateConfiguration", &AccelerateConfiguration{Status: "Enabled"}, "AccelerateConfiguration", true},
		{"RequestPaymentConfiguration", &RequestPaymentConfiguration{Payer: "BucketOwner"}, "RequestPaymentConfiguration", true},
		{"BucketLoggingStatus", &BucketLoggingStatus{LoggingEnabled: &LoggingEnabled{TargetBucket: "l", TargetPrefix: "p"}}, "BucketLoggingStatus", true},
		{"OwnershipControls", &OwnershipControls{Rules: []OwnershipControlsRule{{ObjectOwnership: "BucketOwnerEnforced"}}}, "OwnershipControls", true},
		{"PublicAccessBlockConfiguration", &PublicAccessBlockConfiguration{BlockPublicAcls: true}, "PublicAccessBlockConfiguration", true},
		{"NotificationConfiguration", &NotificationConfiguration{}, "NotificationConfiguration", true},
		{"Error", &Error{Code: CodeNoSuchKey, Message: "The specified key does not exist.", Key: "k", RequestID: "r"}, "Error", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first, err := Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(first, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
				t.Errorf("no XML declaration: %s", first)
			}
			wantOpen := "<" + tc.root + ">"
			if tc.ns {
				wantOpen = "<" + tc.root + ` xmlns="` + Namespace + `">`
			}
			if !bytes.Contains(first, []byte(wantOpen)) {
				t.Errorf("root element: want %s in %s", wantOpen, first)
			}
			back := reflect.New(reflect.TypeOf(tc.v).Elem()).Interface()
			if err := xml.Unmarshal(first, back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			second, err := Marshal(back)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Errorf("not symmetric:\n first %s\nsecond %s", first, second)
			}
		})
	}
}

func TestTimeFormat(t *testing.T) {
	b, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"X"`
		T       Time     `xml:"T"`
	}{T: NewTime(fixed.In(time.FixedZone("x", 3600)))})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<X><T>2026-11-27T01:02:03.456Z</T></X>"; string(b) != want {
		t.Errorf("got %s want %s", b, want)
	}
}

func TestTimeParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{"s3 millis", "2026-11-27T01:02:03.456Z", time.Date(2026, 11, 27, 1, 2, 3, 456000000, time.UTC)},
		{"no fraction", "2026-11-27T01:02:03Z", time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)},
		{"offset", "2026-11-27T02:02:03+01:00", time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)},
		{"http date", "Fri, 27 Nov 2026 01:02:03 GMT", time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v Time
			if err := v.UnmarshalText([]byte(tc.in)); err != nil {
				t.Fatal(err)
			}
			if !v.Equal(tc.want) {
				t.Errorf("got %v want %v", v.Time, tc.want)
			}
		})
	}
	var v Time
	if err := v.UnmarshalText([]byte("yesterday")); err == nil {
		t.Error("garbage timestamp accepted")
	}
}

// TestUnmarshalPeers parses documents as AWS documents them and as other
// servers send them (another namespace, none).
func TestUnmarshalPeers(t *testing.T) {
	aws := `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
    <Name>bucket</Name>
    <Prefix/>
    <KeyCount>205</KeyCount>
    <MaxKeys>1000</MaxKeys>
    <IsTruncated>false</IsTruncated>
    <Contents>
        <Key>my-image.jpg</Key>
        <LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
        <Size>434234</Size>
        <StorageClass>STANDARD</StorageClass>
    </Contents>
</ListBucketResult>`
	gcs := strings.Replace(aws, Namespace, "http://doc.s3.amazonaws.com/2006-03-01", 1)
	none := strings.Replace(aws, ` xmlns="`+Namespace+`"`, "", 1)
	for name, doc := range map[string]string{"aws": aws, "gcs": gcs, "none": none} {
		t.Run(name, func(t *testing.T) {
			var r ListBucketResultV2
			if err := xml.Unmarshal([]byte(doc), &r); err != nil {
				t.Fatal(err)
			}
			if r.KeyCount != 205 || len(r.Contents) != 1 {
				t.Fatalf("got %+v", r)
			}
			c := r.Contents[0]
			if c.ETag != `"fba9dede5f27731c9771645a39863328"` || c.Size != 434234 ||
				!c.LastModified.Equal(time.Date(2009, 10, 12, 17, 50, 30, 0, time.UTC)) {
				t.Errorf("contents %+v", c)
			}
		})
	}
}

func TestWrongRootRejected(t *testing.T) {
	// CompleteMultipartUpload may answer 200 with an Error body; a client
	// decoding the result type must notice.
	body := `<Error><Code>InternalError</Code><Message>x</Message><RequestId>r</RequestId></Error>`
	var r CompleteMultipartUploadResult
	if err := xml.Unmarshal([]byte(body), &r); err == nil {
		t.Fatal("Error document decoded as CompleteMultipartUploadResult")
	}
	var e Error
	if err := xml.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	if e.Error() != "InternalError: x" || e.RequestID != "r" {
		t.Errorf("got %q %q", e.Error(), e.RequestID)
	}
}

func TestErrorTable(t *testing.T) {
	tests := []struct {
		code   string
		status int
	}{
		{CodeNoSuchBucket, 404}, {CodeNoSuchKey, 404}, {CodeNoSuchUpload, 404},
		{CodeBucketNotEmpty, 409}, {CodeBucketAlreadyOwnedByYou, 409},
		{CodeInvalidBucketName, 400}, {CodeAccessDenied, 403},
		{CodeSignatureDoesNotMatch, 403}, {CodeInvalidAccessKeyID, 403},
		{CodeMethodNotAllowed, 405}, {CodeInvalidRange, 416},
		{CodePreconditionFailed, 412}, {CodeNotModified, 304},
		{CodeEntityTooSmall, 400}, {CodeInvalidPart, 400}, {CodeInvalidPartOrder, 400},
		{CodeMalformedXML, 400}, {CodeInvalidArgument, 400}, {CodeInvalidRequest, 400},
		{CodeBadDigest, 400}, {CodeInternalError, 500}, {CodeNotImplemented, 501},
		{CodeInsufficientStorage, 507},
		{CodeRequestTimeTooSkewed, 403}, {CodeMissingContentLength, 411},
		{CodeNoSuchBucketPolicy, 404}, {CodeNoSuchCORSConfiguration, 404},
		{CodeNoSuchLifecycleConfiguration, 404}, {CodeNoSuchWebsiteConfiguration, 404},
		{CodeReplicationConfigurationNotFound, 404}, {CodeObjectLockConfigurationNotFound, 404},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			s, ok := LookupError(tc.code)
			if !ok || s.Status != tc.status || s.Message == "" {
				t.Errorf("LookupError(%s) = %+v, %v; want status %d", tc.code, s, ok, tc.status)
			}
			if ErrorStatus(tc.code) != tc.status {
				t.Errorf("ErrorStatus = %d", ErrorStatus(tc.code))
			}
		})
	}
	if _, ok := LookupError("NoSuchThing"); ok {
		t.Error("unknown code found")
	}
	if ErrorStatus("NoSuchThing") != 500 {
		t.Error("unknown code not 500")
	}
}

func TestChecksumsGetSet(t *testing.T) {
	var c Checksums
	for i, alg := range ChecksumAlgorithms() {
		v := strings.Repeat("x", i+1)
		if !c.Set(alg, v) {
			t.Fatalf("Set(%s) refused", alg)
		}
		if c.Get(alg) != v {
			t.Errorf("Get(%s) = %q", alg, c.Get(alg))
		}
	}
	if c.Set("MD5", "x") || c.Get("MD5") != "" {
		t.Error("unknown algorithm accepted")
	}
}

func TestEncodeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		// As S3 answers (and the s3-tests expect): "/" stays, a space
		// is %20, "+" is %2B.
		{"a b/c+d", "a%20b/c%2Bd"},
		{"ü\x01", "%C3%BC%01"},
		{"\x00\x1f\x7f\xff%~*", "%00%1F%7F%FF%25~%2A"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := EncodeURL(tc.in)
			if got != tc.want {
				t.Errorf("EncodeURL = %q want %q", got, tc.want)
			}
			back, err := DecodeURL(got)
			if err != nil || back != tc.in {
				t.Errorf("DecodeURL = %q, %v", back, err)
			}
		})
	}
}

// TestListVersionsOrder checks versions and delete markers keep their
// interleaved document order both ways, as S3 sends them.
func TestListVersionsOrder(t *testing.T) {
	ts := NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	in := ListVersionsResult{Name: "b", MaxKeys: 1000,
		Versions:      []ObjectVersion{{Key: "a", VersionID: "2", LastModified: ts}, {Key: "b", VersionID: "4", IsLatest: true, LastModified: ts}},
		DeleteMarkers: []DeleteMarkerEntry{{Key: "a", VersionID: "1", IsLatest: true, LastModified: ts}, {Key: "a", VersionID: "3", LastModified: ts}},
		Order:         []bool{true, false, true, false}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	pos := func(id string) int { return strings.Index(s, "<VersionId>"+id+"</VersionId>") }
	if !(pos("1") < pos("2") && pos("2") < pos("3") && pos("3") < pos("4")) || !strings.Contains(s, "<DeleteMarker><Key>a</Key><VersionId>1</VersionId>") {
		t.Fatalf("entries out of order:\n%s", s)
	}
	var out ListVersionsResult
	if err := xml.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.Order, in.Order) || len(out.Versions) != 2 || len(out.DeleteMarkers) != 2 || out.Name != "b" {
		t.Fatalf("round trip: %+v", out)
	}
}
