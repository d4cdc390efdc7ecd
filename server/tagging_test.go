package server_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/storage/disk"
)

func taggingDoc(t *testing.T, kv ...string) []byte {
	t.Helper()
	doc := s3xml.Tagging{TagSet: []s3xml.Tag{}}
	for i := 0; i+1 < len(kv); i += 2 {
		doc.TagSet = append(doc.TagSet, s3xml.Tag{Key: kv[i], Value: kv[i+1]})
	}
	b, err := s3xml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tagsOf returns an object's tags as "k=v" strings in the server's order.
func (e *env) tagsOf(key string) []string {
	e.t.Helper()
	var tg s3xml.Tagging
	e.must(200, "GET", "/bkt/"+key+"?tagging", nil, nil).decode(e.t, &tg)
	out := []string{}
	for _, t := range tg.TagSet {
		out = append(out, t.Key+"="+t.Value)
	}
	return out
}

func TestObjectTagging(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		etag := e.put("bkt", "k", []byte("body"), hdr{"X-Amz-Tagging": "b=2&a=1&empty="})
		if got, want := e.tagsOf("k"), []string{"a=1", "b=2", "empty="}; !reflect.DeepEqual(got, want) {
			t.Fatalf("tags from x-amz-tagging %v, want %v", got, want)
		}
		for _, m := range []string{"GET", "HEAD"} {
			if got := e.must(200, m, "/bkt/k", nil, nil).header.Get("X-Amz-Tagging-Count"); got != "3" {
				t.Errorf("%s x-amz-tagging-count %q, want 3", m, got)
			}
		}
		before := e.must(200, "HEAD", "/bkt/k", nil, nil).header
		e.clock.Advance(5e9)
		e.must(200, "PUT", "/bkt/k?tagging", taggingDoc(t, "project", "blue sky", "team", "a+b=c/d:e@f_g.h-i"), nil)
		if got, want := e.tagsOf("k"), []string{"project=blue sky", "team=a+b=c/d:e@f_g.h-i"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("tags after PutObjectTagging %v, want %v", got, want)
		}
		after := e.must(200, "GET", "/bkt/k", nil, nil)
		if string(after.body) != "body" || after.header.Get("ETag") != etag || after.header.Get("Last-Modified") != before.Get("Last-Modified") {
			t.Errorf("PutObjectTagging changed the object: %q %v", after.body, after.header)
		}
		e.must(204, "DELETE", "/bkt/k?tagging", nil, nil)
		if got := e.tagsOf("k"); len(got) != 0 {
			t.Fatalf("tags after DeleteObjectTagging %v", got)
		}
		if got := e.must(200, "HEAD", "/bkt/k", nil, nil).header.Get("X-Amz-Tagging-Count"); got != "" {
			t.Errorf("x-amz-tagging-count %q on an untagged object", got)
		}
		e.wantErr(404, "NoSuchKey", "PUT", "/bkt/missing?tagging", taggingDoc(t), nil)
		e.wantErr(404, "NoSuchKey", "DELETE", "/bkt/missing?tagging", nil, nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt/k?tagging", []byte("<Tagging><TagSet>"), nil)

		t.Run("Multipart", func(t *testing.T) {
			e := e.sub(t)
			id := e.createUpload("bkt", "mp", hdr{"X-Amz-Tagging": "src=upload"})
			etag := e.uploadPart("bkt", "mp", id, 1, []byte("part"))
			e.must(200, "POST", "/bkt/mp?uploadId="+id, completeDoc(t, s3xml.CompletedPart{PartNumber: 1, ETag: etag}), nil)
			if got := e.tagsOf("mp"); !reflect.DeepEqual(got, []string{"src=upload"}) {
				t.Errorf("multipart object tags %v", got)
			}
		})
		t.Run("Copy", func(t *testing.T) {
			e := e.sub(t)
			e.put("bkt", "src", []byte("data"), hdr{"X-Amz-Tagging": "from=src", "X-Amz-Meta-M": "src"})
			cases := []struct {
				name     string
				h        hdr
				wantTags []string
				wantMeta string
			}{
				{"default copies", hdr{"X-Amz-Tagging": "ignored=1"}, []string{"from=src"}, "src"},
				{"COPY", hdr{"X-Amz-Tagging-Directive": "COPY"}, []string{"from=src"}, "src"},
				{"REPLACE", hdr{"X-Amz-Tagging-Directive": "REPLACE", "X-Amz-Tagging": "new=1&other=2"}, []string{"new=1", "other=2"}, "src"},
				{"REPLACE without tags", hdr{"X-Amz-Tagging-Directive": "REPLACE"}, []string{}, "src"},
				{"metadata REPLACE keeps tags", hdr{"X-Amz-Metadata-Directive": "REPLACE", "X-Amz-Meta-M": "new"}, []string{"from=src"}, "new"},
				{"both REPLACE", hdr{"X-Amz-Metadata-Directive": "REPLACE", "X-Amz-Tagging-Directive": "REPLACE", "X-Amz-Tagging": "x=y"}, []string{"x=y"}, ""},
			}
			for i, tc := range cases {
				key := fmt.Sprintf("copy%d", i)
				h := hdr{"X-Amz-Copy-Source": "/bkt/src"}
				for k, v := range tc.h {
					h[k] = v
				}
				e.must(200, "PUT", "/bkt/"+key, nil, h)
				if got := e.tagsOf(key); !reflect.DeepEqual(got, tc.wantTags) {
					t.Errorf("%s: tags %v, want %v", tc.name, got, tc.wantTags)
				}
				if got := e.must(200, "HEAD", "/bkt/"+key, nil, nil).header.Get("X-Amz-Meta-M"); got != tc.wantMeta {
					t.Errorf("%s: metadata %q, want %q", tc.name, got, tc.wantMeta)
				}
			}
			e.wantErr(400, "InvalidArgument", "PUT", "/bkt/bad", nil, hdr{"X-Amz-Copy-Source": "/bkt/src", "X-Amz-Tagging-Directive": "MERGE"})
		})
	})
}

func TestObjectTaggingLimits(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.put("bkt", "k", []byte("x"), hdr{"X-Amz-Tagging": "keep=1"})
		eleven := make([]string, 0, 22)
		var header []string
		for i := range 11 {
			eleven = append(eleven, fmt.Sprintf("k%d", i), "v")
			header = append(header, fmt.Sprintf("k%d=v", i))
		}
		ten := eleven[:20]
		tests := []struct {
			name   string
			doc    []byte
			status int
			code   string
		}{
			{"ten tags", taggingDoc(t, ten...), 200, ""},
			{"eleven tags", taggingDoc(t, eleven...), 400, "BadRequest"},
			{"duplicate key", taggingDoc(t, "a", "1", "a", "2"), 400, "InvalidTag"},
			{"key of 128", taggingDoc(t, strings.Repeat("é", 128), "v"), 200, ""},
			{"key of 129", taggingDoc(t, strings.Repeat("k", 129), "v"), 400, "InvalidTag"},
			{"value of 256", taggingDoc(t, "k", strings.Repeat("ü", 256)), 200, ""},
			{"value of 257", taggingDoc(t, "k", strings.Repeat("v", 257)), 400, "InvalidTag"},
			{"key of 65 astral characters (130 UTF-16 units)", taggingDoc(t, strings.Repeat("\U00010400", 65), "v"), 400, "InvalidTag"},
			{"empty key", taggingDoc(t, "", "v"), 400, "InvalidTag"},
			{"bad key character", taggingDoc(t, "user!name", "v"), 400, "InvalidTag"},
			{"bad value character", taggingDoc(t, "k", "comma,separated"), 400, "InvalidTag"},
		}
		for _, tc := range tests {
			if tc.status == 200 {
				e.must(200, "PUT", "/bkt/k?tagging", tc.doc, nil)
				continue
			}
			e.wantErr(tc.status, tc.code, "PUT", "/bkt/k?tagging", tc.doc, nil)
		}
		// The last accepted set is still there: a refused PUT changes nothing.
		if got := e.tagsOf("k"); len(got) != 1 || !strings.HasPrefix(got[0], "k=ü") {
			t.Errorf("tags after refused PUTs %v", got)
		}
		for _, h := range []struct {
			v, code string
		}{
			{strings.Join(header, "&"), "BadRequest"},
			{"a=1&a=2", "InvalidArgument"},
			{"a=1;b=2", "InvalidArgument"},
			{url.Values{"k": {strings.Repeat("v", 257)}}.Encode(), "InvalidTag"},
			{"bad*key=1", "InvalidTag"},
		} {
			e.wantErr(400, h.code, "PUT", "/bkt/other", []byte("x"), hdr{"X-Amz-Tagging": h.v})
		}
		e.wantErr(404, "NoSuchKey", "HEAD", "/bkt/other", nil, nil)
	})
}

// bucketTags returns a bucket's tags as "k=v" strings in the server's
// order.
func (e *env) bucketTags(bucket string) []string {
	e.t.Helper()
	var tg s3xml.Tagging
	e.must(200, "GET", "/"+bucket+"?tagging", nil, nil).decode(e.t, &tg)
	out := []string{}
	for _, t := range tg.TagSet {
		out = append(out, t.Key+"="+t.Value)
	}
	return out
}

// wantNoTagSet checks S3's answer for a bucket without tags.
func (e *env) wantNoTagSet(bucket string) {
	e.t.Helper()
	var doc s3xml.Error
	r := e.wantErr(404, "NoSuchTagSet", "GET", "/"+bucket+"?tagging", nil, nil)
	if err := xml.Unmarshal(r.body, &doc); err != nil || doc.Message != "The TagSet does not exist" {
		e.t.Errorf("NoSuchTagSet message %q (%v)", doc.Message, err)
	}
}

func TestBucketTagging(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		e.mkBucket("other")
		e.wantNoTagSet("bkt")

		e.must(204, "PUT", "/bkt?tagging", taggingDoc(t, "team", "blue sky", "cost-center", "a+b=c/d:e@f_g.h-i", "empty", ""), nil)
		if got, want := e.bucketTags("bkt"), []string{"cost-center=a+b=c/d:e@f_g.h-i", "empty=", "team=blue sky"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("bucket tags %v, want %v", got, want)
		}
		e.wantNoTagSet("other")
		// Bucket tags are not object tags, and the other way round.
		e.put("bkt", "k", []byte("x"), hdr{"X-Amz-Tagging": "obj=1"})
		if got := e.tagsOf("k"); !reflect.DeepEqual(got, []string{"obj=1"}) {
			t.Errorf("object tags %v in a tagged bucket", got)
		}
		if got := e.must(200, "HEAD", "/bkt/k", nil, nil).header.Get("X-Amz-Tagging-Count"); got != "1" {
			t.Errorf("x-amz-tagging-count %q", got)
		}
		// A put replaces the whole set.
		e.must(204, "PUT", "/bkt?tagging", taggingDoc(t, "only", "one"), nil)
		if got := e.bucketTags("bkt"); !reflect.DeepEqual(got, []string{"only=one"}) {
			t.Fatalf("bucket tags after a second put %v", got)
		}

		e.must(204, "DELETE", "/bkt?tagging", nil, nil)
		e.wantNoTagSet("bkt")
		e.must(204, "DELETE", "/bkt?tagging", nil, nil) // nothing to delete is no error
		// An empty set removes the tags too.
		e.must(204, "PUT", "/bkt?tagging", taggingDoc(t, "a", "1"), nil)
		e.must(204, "PUT", "/bkt?tagging", taggingDoc(t), nil)
		e.wantNoTagSet("bkt")

		for _, m := range []string{"GET", "PUT", "DELETE"} {
			e.wantErr(404, "NoSuchBucket", m, "/missing?tagging", taggingDoc(t, "a", "1"), nil)
		}
		e.wantErr(404, "NoSuchBucket", "PUT", "/missing?tagging", []byte("<Tagging><TagSet>"), nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?tagging", []byte("<Tagging><TagSet>"), nil)
		e.wantErr(400, "MalformedXML", "PUT", "/bkt?tagging", nil, nil)
		e.wantErr(400, "BadDigest", "PUT", "/bkt?tagging", taggingDoc(t, "a", "1"), hdr{"Content-Md5": "1B2M2Y8AsgTpgAmY7PhCfg=="})

		// Deleting the bucket drops its tags; a new bucket of that name has none.
		e.must(204, "PUT", "/other?tagging", taggingDoc(t, "gone", "soon"), nil)
		e.must(204, "DELETE", "/other", nil, nil)
		e.mkBucket("other")
		e.wantNoTagSet("other")
	})
}

func TestBucketTaggingLimits(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		var fifty, fiftyOne, fiftyOneBad []string
		for i := range 51 {
			if i < 50 {
				fifty = append(fifty, fmt.Sprintf("k%d", i), "v")
			}
			fiftyOne = append(fiftyOne, fmt.Sprintf("k%d", i), "v")
			fiftyOneBad = append(fiftyOneBad, fmt.Sprintf("k%d", i), "v")
		}
		fiftyOneBad[2*40+1] = "bad,value"
		tests := []struct {
			name   string
			doc    []byte
			status int
			code   string
			msg    string
		}{
			{"fifty tags", taggingDoc(t, fifty...), 204, "", ""},
			{"fifty-one tags", taggingDoc(t, fiftyOne...), 400, "BadRequest", "Bucket tag count cannot be greater than 50"},
			{"fifty-one tags, one invalid", taggingDoc(t, fiftyOneBad...), 400, "InvalidTag", "The TagValue you have provided is invalid"},
			{"duplicate key", taggingDoc(t, "a", "1", "a", "2"), 400, "InvalidTag", "Cannot provide multiple Tags with the same key"},
			{"key of 128", taggingDoc(t, strings.Repeat("é", 128), "v"), 204, "", ""},
			{"key of 129", taggingDoc(t, strings.Repeat("k", 129), "v"), 400, "InvalidTag", "The TagKey you have provided is invalid"},
			{"value of 256", taggingDoc(t, "k", strings.Repeat("ü", 256)), 204, "", ""},
			{"value of 257", taggingDoc(t, "k", strings.Repeat("v", 257)), 400, "InvalidTag", "The TagValue you have provided is invalid"},
			{"empty key", taggingDoc(t, "", "v"), 400, "InvalidTag", "The TagKey you have provided is invalid"},
			{"empty value", taggingDoc(t, "k", ""), 204, "", ""},
			{"bad key character", taggingDoc(t, "user!name", "v"), 400, "InvalidTag", "The TagKey you have provided is invalid"},
			{"reserved prefix", taggingDoc(t, "aws:cost", "v"), 400, "InvalidTag", "System tags cannot be added/updated by requester"},
			{"reserved prefix, other case", taggingDoc(t, "AWS:cost", "v"), 400, "InvalidTag", `Invalid Tag. Tags cannot start with "aws:"(case insensitive) unless they are System Tags that start with "aws:"(case sensitive)`},
			{"aws: inside a key", taggingDoc(t, "team:aws:cost", "v"), 204, "", ""},
			// S3 counts UTF-16 code units: a character outside the BMP is two.
			{"key of 64 astral characters", taggingDoc(t, strings.Repeat("\U00010400", 64), "v"), 204, "", ""},
			{"key of 65 astral characters", taggingDoc(t, strings.Repeat("\U00010400", 65), "v"), 400, "InvalidTag", "The TagKey you have provided is invalid"},
			{"value of 129 astral characters", taggingDoc(t, "k", strings.Repeat("\U00010400", 129)), 400, "InvalidTag", "The TagValue you have provided is invalid"},
			{"emoji (a symbol, not a letter)", taggingDoc(t, "k", "\U0001F600"), 400, "InvalidTag", "The TagValue you have provided is invalid"},
			{"last good set", taggingDoc(t, "keep", "me"), 204, "", ""},
		}
		for _, tc := range tests {
			if tc.status == 204 {
				e.must(204, "PUT", "/bkt?tagging", tc.doc, nil)
				continue
			}
			r := e.wantErr(tc.status, tc.code, "PUT", "/bkt?tagging", tc.doc, nil)
			var doc s3xml.Error
			if err := xml.Unmarshal(r.body, &doc); err != nil || doc.Message != tc.msg {
				t.Errorf("%s: message %q (%v), want %q", tc.name, doc.Message, err, tc.msg)
			}
		}
		// A refused PUT changes nothing.
		if got := e.bucketTags("bkt"); !reflect.DeepEqual(got, []string{"keep=me"}) {
			t.Errorf("tags after refused PUTs %v", got)
		}
		// Objects keep their own limit of 10.
		e.put("bkt", "k", []byte("x"), nil)
		r := e.wantErr(400, "BadRequest", "PUT", "/bkt/k?tagging", taggingDoc(t, fifty[:22]...), nil)
		if !strings.Contains(string(r.body), "Object tags cannot be greater than 10") {
			t.Errorf("object limit message: %s", r.body)
		}
	})
}

// TestBucketTaggingSurvivesRestart stores bucket tags through one server on
// a disk store, then reads them through a new server on the reopened
// store.
//
// Disk only: memory does not survive a restart.
func TestBucketTaggingSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := newClock()
	open := func() *disk.Store {
		st, err := disk.Open(context.Background(), dir, disk.Options{Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	e := newEnvClock(t, c, s3test.WithBackend(st))
	e.mkBucket("bkt")
	e.must(204, "PUT", "/bkt?tagging", taggingDoc(t, "team", "blue"), nil)
	e.srv.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open()
	t.Cleanup(func() { st.Close() })
	e = newEnvClock(t, c, s3test.WithBackend(st))
	if got := e.bucketTags("bkt"); !reflect.DeepEqual(got, []string{"team=blue"}) {
		t.Fatalf("bucket tags after restart %v", got)
	}
}
