package server_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/s3test"
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
	e := newEnv(t, s3test.WithDisk())
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
}

func TestObjectTaggingLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
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
}
