package server_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/disk"
)

func TestCreateBucketNames(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		tests := []struct {
			name, bucket string
			ok           bool
		}{
			{"simple", "my-bucket", true},
			{"dots and digits", "a.b-1.c2", true},
			{"shortest", "abc", true},
			{"longest", strings.Repeat("a", 63), true},
			{"too short", "ab", false},
			{"too long", strings.Repeat("a", 64), false},
			{"upper case", "MyBucket", false},
			{"underscore", "my_bucket", false},
			{"leading hyphen", "-bucket", false},
			{"trailing dot", "bucket.", false},
			{"double dot", "a..b", false},
			{"dot hyphen", "a.-b", false},
			{"ip address", "192.168.5.4", false},
			{"xn-- prefix", "xn--bucket", false},
			{"-s3alias suffix", "bucket-s3alias", false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				if tc.ok {
					e.must(200, "PUT", "/"+tc.bucket, nil, nil)
					e.must(200, "HEAD", "/"+tc.bucket, nil, nil)
					return
				}
				e.wantErr(400, "InvalidBucketName", "PUT", "/"+tc.bucket, nil, nil)
			})
		}
	})
}

func TestBucketLifecycle(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		r := e.must(200, "PUT", "/bkt", nil, nil)
		if r.header.Get("Location") != "/bkt" {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		// In us-east-1 S3 answers 200 to re-creating a bucket you own.
		e.must(200, "PUT", "/bkt", nil, nil)

		var list s3xml.ListAllMyBucketsResult
		e.must(200, "GET", "/", nil, nil).decode(t, &list)
		if len(list.Buckets) != 1 || list.Buckets[0].Name != "bkt" || !list.Buckets[0].CreationDate.Equal(e.clock.Now()) {
			t.Errorf("ListBuckets: %+v", list.Buckets)
		}
		if list.Owner == nil || list.Owner.ID == "" {
			t.Error("ListBuckets without Owner")
		}

		if h := e.must(200, "HEAD", "/bkt", nil, nil).header.Get("X-Amz-Bucket-Region"); h != "us-east-1" {
			t.Errorf("x-amz-bucket-region %q", h)
		}
		checkErr(t, e.do("HEAD", "/nope", nil, nil), 404, "NoSuchBucket", true)

		var loc s3xml.LocationConstraint
		e.must(200, "GET", "/bkt?location", nil, nil).decode(t, &loc)
		if loc.Value != "" {
			t.Errorf("us-east-1 location %q, want empty", loc.Value)
		}

		e.put("bkt", "k", []byte("x"), nil)
		e.wantErr(409, "BucketNotEmpty", "DELETE", "/bkt", nil, nil)
		e.must(204, "DELETE", "/bkt/k", nil, nil)
		e.must(204, "DELETE", "/bkt", nil, nil)
		e.wantErr(404, "NoSuchBucket", "DELETE", "/bkt", nil, nil)
		e.wantErr(404, "NoSuchBucket", "GET", "/bkt?list-type=2", nil, nil)
	})
}

// locationConfig is a CreateBucketConfiguration naming loc.
func locationConfig(t *testing.T, loc string) []byte {
	t.Helper()
	b, err := s3xml.Marshal(s3xml.CreateBucketConfiguration{LocationConstraint: loc})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// bucketRegions returns what GetBucketLocation, HeadBucket's
// x-amz-bucket-region and ListBuckets' BucketRegion say of bucket.
func (e *env) bucketRegions(bucket string) (location, head, listed string) {
	e.t.Helper()
	var loc s3xml.LocationConstraint
	e.must(200, "GET", "/"+bucket+"?location", nil, nil).decode(e.t, &loc)
	head = e.must(200, "HEAD", "/"+bucket, nil, nil).header.Get("X-Amz-Bucket-Region")
	var list s3xml.ListAllMyBucketsResult
	e.must(200, "GET", "/?prefix="+bucket, nil, nil).decode(e.t, &list)
	for _, b := range list.Buckets {
		if b.Name == bucket {
			listed = b.BucketRegion
		}
	}
	return loc.Value, head, listed
}

// TestCreateBucketAnyRegion checks that a bucket can be created in any
// region, which is then reported back everywhere S3 reports it; without
// a constraint (or with aws-cli v2's "aws-global") the bucket is in the
// server's region.
func TestCreateBucketAnyRegion(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithRegion("eu-west-1"))
		for _, tc := range []struct {
			bucket string
			body   []byte
			want   string
		}{
			{"here", locationConfig(t, "eu-west-1"), "eu-west-1"},
			{"there", locationConfig(t, "ap-south-1"), "ap-south-1"},
			{"east", locationConfig(t, "us-east-1"), "us-east-1"},
			{"unspecified", nil, "eu-west-1"},
			{"empty-config", locationConfig(t, ""), "eu-west-1"},
			{"global", locationConfig(t, "aws-global"), "eu-west-1"},
		} {
			t.Run(tc.bucket, func(t *testing.T) {
				e := e.sub(t)
				e.must(200, "PUT", "/"+tc.bucket, tc.body, nil)
				wantLoc := tc.want
				if wantLoc == "us-east-1" {
					wantLoc = "" // as S3 reports us-east-1
				}
				if loc, head, listed := e.bucketRegions(tc.bucket); loc != wantLoc || head != tc.want || listed != tc.want {
					t.Errorf("location %q, x-amz-bucket-region %q, BucketRegion %q; want %q, %q, %q", loc, head, listed, wantLoc, tc.want, tc.want)
				}
			})
		}
		var list s3xml.ListAllMyBucketsResult
		e.must(200, "GET", "/?bucket-region=ap-south-1", nil, nil).decode(t, &list)
		if len(list.Buckets) != 1 || list.Buckets[0].Name != "there" {
			t.Errorf("bucket-region=ap-south-1 lists %+v", list.Buckets)
		}
		// Outside us-east-1, re-creating a bucket you own is an error.
		e.wantErr(409, "BucketAlreadyOwnedByYou", "PUT", "/there", locationConfig(t, "ap-south-1"), nil)
		e.wantErr(400, "InvalidLocationConstraint", "PUT", "/bad", locationConfig(t, "not a region"), nil)
		e.wantErr(400, "MalformedXML", "PUT", "/garbage", []byte("<CreateBucketConfiguration><Loc"), nil)
		e.wantErr(404, "NoSuchBucket", "HEAD", "/bad", nil, nil)
	})
}

// TestBucketRegionNotRecorded checks that a bucket whose region was never
// recorded (a data directory written before s3kit recorded regions)
// opens and reads as being in the server's region.
//
// One backend: it writes a disk data directory by hand.
func TestBucketRegionNotRecorded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st, err := disk.Open(context.Background(), dir, disk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.CreateBucket(context.Background(), "old", storage.CreateBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, s3test.WithRegion("ap-northeast-1"), s3test.WithBackend(st))
	if loc, head, listed := e.bucketRegions("old"); loc != "ap-northeast-1" || head != "ap-northeast-1" || listed != "ap-northeast-1" {
		t.Errorf("location %q, x-amz-bucket-region %q, BucketRegion %q; want the server's region", loc, head, listed)
	}
}

func TestGetBucketVersioning(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		var v s3xml.VersioningConfiguration
		e.must(200, "GET", "/bkt?versioning", nil, nil).decode(t, &v)
		if v.Status != "" {
			t.Errorf("status %q", v.Status)
		}
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?versioning", nil, nil)
	})
}

func TestTagging(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), nil)
		var tg s3xml.Tagging
		e.must(200, "GET", "/bkt/k?tagging", nil, nil).decode(t, &tg)
		if len(tg.TagSet) != 0 {
			t.Errorf("tags %+v", tg.TagSet)
		}
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/missing?tagging", nil, nil)
		e.wantErr(404, "NoSuchTagSet", "GET", "/bkt?tagging", nil, nil)
	})
}

func TestGetACL(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), nil)
		for _, path := range []string{"/bkt?acl", "/bkt/k?acl"} {
			var acl s3xml.AccessControlPolicy
			e.must(200, "GET", path, nil, nil).decode(t, &acl)
			if len(acl.AccessControlList) != 1 || acl.AccessControlList[0].Permission != "FULL_CONTROL" ||
				acl.AccessControlList[0].Grantee.Type != "CanonicalUser" || acl.Owner == nil {
				t.Errorf("%s: %+v", path, acl)
			}
		}
		e.wantErr(404, "NoSuchKey", "GET", "/bkt/missing?acl", nil, nil)
	})
}

// TestACLsDisabled checks S3's default "bucket owner enforced" object
// ownership: a request that would set an ACL fails with
// AccessControlListNotSupported (InvalidBucketAclWithObjectOwnership for
// CreateBucket) and changes nothing; the canned ACLs that keep the owner's
// full control are accepted.
func TestACLsDisabled(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("old"), nil)

		// Writes carrying an ACL.
		for _, h := range []hdr{{"X-Amz-Acl": "public-read"}, {"X-Amz-Acl": "authenticated-read"}, {"X-Amz-Grant-Read": `uri="http://acs.amazonaws.com/groups/global/AllUsers"`}} {
			e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt/k", []byte("new"), h)
			e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt/new", []byte("new"), h)
			e.wantErr(400, "AccessControlListNotSupported", "POST", "/bkt/k?uploads", nil, h)
			copyH := hdr{"X-Amz-Copy-Source": "/bkt/k"}
			for k, v := range h {
				copyH[k] = v
			}
			e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt/copy", nil, copyH)
		}
		if got := e.must(200, "GET", "/bkt/k", nil, nil).body; string(got) != "old" {
			t.Errorf("object changed to %q by a refused write", got)
		}
		for _, k := range []string{"new", "copy"} {
			e.wantErr(404, "NoSuchKey", "HEAD", "/bkt/"+k, nil, nil)
		}
		e.wantErr(400, "InvalidBucketAclWithObjectOwnership", "PUT", "/public", nil, hdr{"X-Amz-Acl": "public-read"})
		e.wantErr(404, "NoSuchBucket", "HEAD", "/public", nil, nil)

		// Canned ACLs that change nothing.
		for _, acl := range []string{"private", "bucket-owner-full-control"} {
			e.put("bkt", "ok-"+acl, []byte("x"), hdr{"X-Amz-Acl": acl})
			e.must(200, "PUT", "/bkt/k?acl", nil, hdr{"X-Amz-Acl": acl})
			e.must(200, "PUT", "/bkt?acl", nil, hdr{"X-Amz-Acl": acl})
		}
		e.must(200, "PUT", "/private-bkt", nil, hdr{"X-Amz-Acl": "private"})

		// PutObjectAcl / PutBucketAcl that would grant anything.
		e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt/k?acl", nil, hdr{"X-Amz-Acl": "public-read"})
		e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt?acl", nil, hdr{"X-Amz-Acl": "public-read-write"})
		policy := []byte(`<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList/></AccessControlPolicy>`)
		e.wantErr(400, "AccessControlListNotSupported", "PUT", "/bkt/k?acl", policy, nil)
		e.wantErr(404, "NoSuchKey", "PUT", "/bkt/missing?acl", nil, hdr{"X-Amz-Acl": "private"})
		e.wantErr(404, "NoSuchBucket", "PUT", "/nobkt?acl", nil, hdr{"X-Amz-Acl": "private"})
	})
}

// TestListBucketsPages checks ListBuckets' pagination as S3 answers it:
// prefix and bucket-region filter, max-buckets sizes pages, and the
// ContinuationToken of one page resumes after its last bucket.
func TestListBucketsPages(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		names := []string{"a-1", "a-2", "a-3", "b-1", "b-2"}
		for _, n := range names {
			e.mkBucket(n)
		}
		list := func(query string) s3xml.ListAllMyBucketsResult {
			t.Helper()
			var res s3xml.ListAllMyBucketsResult
			e.must(200, "GET", "/?"+query, nil, nil).decode(t, &res)
			return res
		}
		namesOf := func(res s3xml.ListAllMyBucketsResult) []string {
			var out []string
			for _, b := range res.Buckets {
				out = append(out, b.Name)
			}
			return out
		}

		if res := list(""); !slices.Equal(namesOf(res), names) || res.ContinuationToken != "" || res.Prefix != "" {
			t.Errorf("all: %v token %q prefix %q", namesOf(res), res.ContinuationToken, res.Prefix)
		}
		if res := list("prefix=a-"); !slices.Equal(namesOf(res), names[:3]) || res.Prefix != "a-" || res.ContinuationToken != "" {
			t.Errorf("prefix a-: %v token %q prefix %q", namesOf(res), res.ContinuationToken, res.Prefix)
		}
		if res := list("bucket-region=us-east-1"); !slices.Equal(namesOf(res), names) {
			t.Errorf("bucket-region us-east-1: %v", namesOf(res))
		}
		if res := list("bucket-region=eu-west-1"); len(res.Buckets) != 0 {
			t.Errorf("bucket-region eu-west-1: %v", namesOf(res))
		}

		// Walk every page of two with a prefix, as SDK paginators do.
		var got []string
		query := "max-buckets=2&prefix=a-"
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("pagination does not end")
			}
			res := list(query)
			got = append(got, namesOf(res)...)
			if res.ContinuationToken == "" {
				break
			}
			query = "max-buckets=2&prefix=a-&continuation-token=" + url.QueryEscape(res.ContinuationToken)
		}
		if !slices.Equal(got, names[:3]) {
			t.Errorf("paged with prefix: %v", got)
		}
		if res := list("max-buckets=5"); len(res.Buckets) != 5 || res.ContinuationToken != "" {
			t.Errorf("max-buckets=5 of 5: %v token %q", namesOf(res), res.ContinuationToken)
		}

		for _, q := range []string{"max-buckets=0", "max-buckets=10001", "max-buckets=-1", "max-buckets=x", "max-buckets=", "continuation-token=%21%21"} {
			e.wantErr(400, "InvalidArgument", "GET", "/?"+q, nil, nil)
		}
	})
}

// TestListBucketsPagesRestrictedKey checks that a key limited to some
// buckets pages through those only: hidden buckets neither fill a page nor
// earn a ContinuationToken.
func TestListBucketsPagesRestrictedKey(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t, s3test.WithKeys(server.Key{AccessKeyID: "SOME", Secret: "some-secret", Buckets: []string{"b-1", "b-3"}}))
		for _, n := range []string{"b-0", "b-1", "b-2", "b-3", "b-4"} {
			e.mkBucket(n)
		}
		some := e.as("SOME", "some-secret")
		var res s3xml.ListAllMyBucketsResult
		some.must(200, "GET", "/?max-buckets=1", nil, nil).decode(t, &res)
		if len(res.Buckets) != 1 || res.Buckets[0].Name != "b-1" || res.ContinuationToken == "" {
			t.Fatalf("first page: %+v token %q", res.Buckets, res.ContinuationToken)
		}
		var next s3xml.ListAllMyBucketsResult
		some.must(200, "GET", "/?continuation-token="+url.QueryEscape(res.ContinuationToken)+"&max-buckets=1", nil, nil).decode(t, &next)
		if len(next.Buckets) != 1 || next.Buckets[0].Name != "b-3" || next.ContinuationToken != "" {
			t.Errorf("second page: %+v token %q", next.Buckets, next.ContinuationToken)
		}
	})
}
