package policy

import (
	"strings"
	"testing"
)

func TestActionFor(t *testing.T) {
	cases := []struct {
		op        string
		versioned bool
		want      string
	}{
		{"GetObject", false, "s3:GetObject"},
		{"GetObject", true, "s3:GetObjectVersion"},
		{"HeadObject", true, "s3:GetObjectVersion"},
		{"HeadBucket", false, "s3:ListBucket"},
		{"ListObjectsV2", false, "s3:ListBucket"},
		{"ListObjectVersions", false, "s3:ListBucketVersions"},
		{"UploadPart", false, "s3:PutObject"},
		{"CompleteMultipartUpload", false, "s3:PutObject"},
		{"PutObject", true, "s3:PutObject"},
		{"DeleteObject", true, "s3:DeleteObjectVersion"},
		{"DeleteBucketCors", false, "s3:PutBucketCORS"},
		{"ListBuckets", false, "s3:ListAllMyBuckets"},
		{"ListParts", false, "s3:ListMultipartUploadParts"},
	}
	for _, c := range cases {
		got, ok := ActionFor(c.op, c.versioned)
		if !ok || got != c.want {
			t.Errorf("%s versioned=%v: got %q %v, want %q", c.op, c.versioned, got, ok, c.want)
		}
	}
	if _, ok := ActionFor("getobject", false); ok {
		t.Error("operation names are exact")
	}
}

// Every action the table hands out is one PutBucketPolicy accepts, so a
// policy can always name what a request needs.
func TestActionForNamesKnownActions(t *testing.T) {
	for _, o := range operationActions {
		for _, a := range []string{o.action, o.versioned} {
			if a == "" {
				continue
			}
			name := strings.TrimPrefix(a, "s3:")
			if _, ok := s3Actions[strings.ToLower(name)]; !ok {
				t.Errorf("%s: %s is not in the S3 action table", o.op, a)
			}
		}
	}
}
