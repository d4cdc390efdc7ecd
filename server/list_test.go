package server_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/s3kit/s3kit/internal/s3xml"
	"github.com/s3kit/s3kit/storage"
)

func keysOf(objs []s3xml.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Key)
	}
	return out
}

func prefixesOf(ps []s3xml.CommonPrefix) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Prefix)
	}
	return out
}

// listEnv is a bucket holding keys in an order that differs between byte
// order and naive string handling ("a-b" before "a/x").
func listEnv(t *testing.T, bk backend) *env {
	e := bk.env(t)
	e.mkBucket("bkt")
	for _, k := range []string{"a/x", "a-b", "a/y/z", "b", "c d", "é"} {
		e.put("bkt", (&url.URL{Path: k}).EscapedPath(), []byte(k), nil)
	}
	return e
}

func TestListObjectsV2(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		tests := []struct {
			name     string
			query    url.Values
			keys     []string
			prefixes []string
			trunc    bool
		}{
			{"all in byte order", url.Values{}, []string{"a-b", "a/x", "a/y/z", "b", "c d", "é"}, nil, false},
			{"prefix", url.Values{"prefix": {"a/"}}, []string{"a/x", "a/y/z"}, nil, false},
			{"delimiter", url.Values{"delimiter": {"/"}}, []string{"a-b", "b", "c d", "é"}, []string{"a/"}, false},
			{"prefix and delimiter", url.Values{"prefix": {"a/"}, "delimiter": {"/"}}, []string{"a/x"}, []string{"a/y/"}, false},
			{"max-keys", url.Values{"max-keys": {"2"}}, []string{"a-b", "a/x"}, nil, true},
			{"start-after", url.Values{"start-after": {"a/y/z"}}, []string{"b", "c d", "é"}, nil, false},
			{"max-keys zero", url.Values{"max-keys": {"0"}}, nil, nil, false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := e.sub(t)
				tc.query.Set("list-type", "2")
				var res s3xml.ListBucketResultV2
				e.must(200, "GET", "/bkt?"+tc.query.Encode(), nil, nil).decode(t, &res)
				if !slices.Equal(keysOf(res.Contents), tc.keys) || !slices.Equal(prefixesOf(res.CommonPrefixes), tc.prefixes) || res.IsTruncated != tc.trunc {
					t.Errorf("keys %q prefixes %q truncated %v", keysOf(res.Contents), prefixesOf(res.CommonPrefixes), res.IsTruncated)
				}
				if res.KeyCount != len(tc.keys)+len(tc.prefixes) {
					t.Errorf("KeyCount %d", res.KeyCount)
				}
				for _, o := range res.Contents {
					if o.Owner != nil {
						t.Error("Owner without fetch-owner")
					}
					if o.ETag == "" || o.StorageClass != "STANDARD" || o.Size != int64(len(o.Key)) {
						t.Errorf("entry %+v", o)
					}
				}
			})
		}
	})
}

func TestListObjectsV2Pagination(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		var all []string
		tok := ""
		for page := 0; ; page++ {
			q := url.Values{"list-type": {"2"}, "max-keys": {"2"}, "delimiter": {"/"}, "fetch-owner": {"true"}}
			if tok != "" {
				q.Set("continuation-token", tok)
			}
			var res s3xml.ListBucketResultV2
			e.must(200, "GET", "/bkt?"+q.Encode(), nil, nil).decode(t, &res)
			if res.ContinuationToken != tok {
				t.Errorf("ContinuationToken echoed %q, want %q", res.ContinuationToken, tok)
			}
			for _, o := range res.Contents {
				if o.Owner == nil || o.Owner.ID == "" {
					t.Error("fetch-owner=true without Owner")
				}
			}
			all = append(all, keysOf(res.Contents)...)
			all = append(all, prefixesOf(res.CommonPrefixes)...)
			if !res.IsTruncated {
				break
			}
			if res.NextContinuationToken == "" || page > 5 {
				t.Fatal("truncated page without a usable NextContinuationToken")
			}
			tok = res.NextContinuationToken
		}
		slices.Sort(all)
		if want := []string{"a-b", "a/", "b", "c d", "é"}; !slices.Equal(all, want) {
			t.Errorf("pages gave %q, want %q", all, want)
		}
		e.wantErr(400, "InvalidArgument", "GET", "/bkt?list-type=2&continuation-token=%21%21", nil, nil)
	})
}

func TestListObjectsV1(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		var res s3xml.ListBucketResult
		e.must(200, "GET", "/bkt?max-keys=2&delimiter=/", nil, nil).decode(t, &res)
		if !slices.Equal(keysOf(res.Contents), []string{"a-b"}) || !slices.Equal(prefixesOf(res.CommonPrefixes), []string{"a/"}) ||
			!res.IsTruncated || res.NextMarker != "a/" || res.MaxKeys != 2 {
			t.Fatalf("page 1: %+v", res)
		}
		if res.Contents[0].Owner == nil {
			t.Error("v1 listing without Owner")
		}
		res = s3xml.ListBucketResult{}
		e.must(200, "GET", "/bkt?marker=a%2F&delimiter=/", nil, nil).decode(t, &res)
		if !slices.Equal(keysOf(res.Contents), []string{"b", "c d", "é"}) || res.IsTruncated || res.Marker != "a/" {
			t.Fatalf("page 2: %+v", res)
		}
		// Without a delimiter S3 sends no NextMarker; clients continue from the last key.
		res = s3xml.ListBucketResult{}
		e.must(200, "GET", "/bkt?max-keys=1", nil, nil).decode(t, &res)
		if !res.IsTruncated || res.NextMarker != "" {
			t.Errorf("no-delimiter page: %+v", res)
		}
	})
}

func TestListEncodingTypeURL(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		var res s3xml.ListBucketResultV2
		e.must(200, "GET", "/bkt?list-type=2&encoding-type=url&delimiter=/&prefix=", nil, nil).decode(t, &res)
		if res.EncodingType != "url" {
			t.Errorf("EncodingType %q", res.EncodingType)
		}
		if got := keysOf(res.Contents); !slices.Equal(got, []string{"a-b", "b", "c%20d", "%C3%A9"}) {
			t.Errorf("encoded keys %q", got)
		}
		// S3 leaves "/" as it is: the prefix is "a/", not "a%2F".
		if res.Delimiter != "/" || prefixesOf(res.CommonPrefixes)[0] != "a/" {
			t.Errorf("delimiter %q prefixes %q", res.Delimiter, prefixesOf(res.CommonPrefixes))
		}
		e.wantErr(400, "InvalidArgument", "GET", "/bkt?encoding-type=base64", nil, nil)

		// Control characters, which XML 1.0 cannot carry, come back as %XX
		// (the reason clients ask for encoding-type=url), "/" inside keys
		// stays.
		e.put("bkt", "d%01e/f%0A%7F", []byte("x"), nil)
		var ctl s3xml.ListBucketResultV2
		e.must(200, "GET", "/bkt?list-type=2&encoding-type=url&prefix=d", nil, nil).decode(t, &ctl)
		if got := keysOf(ctl.Contents); !slices.Equal(got, []string{"d%01e/f%0A%7F"}) {
			t.Errorf("control-character key encoded as %q", got)
		}
	})
}

// TestListV1PrefixNotEncoded checks that ListObjects version 1 echoes
// Prefix as sent under encoding-type=url, while version 2 encodes it:
// botocore decodes Prefix only for version 2.
func TestListV1PrefixNotEncoded(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		var v1 s3xml.ListBucketResult
		e.must(200, "GET", "/bkt?encoding-type=url&prefix=%0Ac%20d&delimiter=%20", nil, nil).decode(t, &v1)
		if v1.Prefix != "\nc d" || v1.Delimiter != "%20" || v1.EncodingType != "url" {
			t.Errorf("v1 Prefix %q Delimiter %q EncodingType %q, want \"\\nc d\", \"%%20\", url", v1.Prefix, v1.Delimiter, v1.EncodingType)
		}
		var v2 s3xml.ListBucketResultV2
		e.must(200, "GET", "/bkt?list-type=2&encoding-type=url&prefix=%0Ac%20d", nil, nil).decode(t, &v2)
		if v2.Prefix != "%0Ac%20d" {
			t.Errorf("v2 Prefix %q, want %%0Ac%%20d", v2.Prefix)
		}
	})
}

func TestListBadArguments(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		for _, q := range []string{"max-keys=-1", "max-keys=ten", "list-type=2&max-keys=x"} {
			t.Run(q, func(t *testing.T) { e.wantErr(400, "InvalidArgument", "GET", "/bkt?"+q, nil, nil) })
		}
		var res s3xml.ListBucketResultV2
		e.must(200, "GET", "/bkt?list-type=2&max-keys=5000", nil, nil).decode(t, &res)
		if res.MaxKeys != 1000 {
			t.Errorf("max-keys above 1000 answered with MaxKeys %d", res.MaxKeys)
		}
	})
}

func TestListObjectVersions(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := listEnv(t, bk)
		var res s3xml.ListVersionsResult
		e.must(200, "GET", "/bkt?versions&max-keys=3", nil, nil).decode(t, &res)
		if len(res.Versions) != 3 || !res.IsTruncated || res.NextKeyMarker != "a/y/z" || res.NextVersionIDMarker != "null" {
			t.Fatalf("page 1: %+v", res)
		}
		for _, v := range res.Versions {
			if v.VersionID != "null" || !v.IsLatest || v.ETag == "" {
				t.Errorf("version %+v", v)
			}
		}
		res = s3xml.ListVersionsResult{}
		e.must(200, "GET", "/bkt?versions&key-marker=a%2Fy%2Fz&version-id-marker=null", nil, nil).decode(t, &res)
		var keys []string
		for _, v := range res.Versions {
			keys = append(keys, v.Key)
		}
		if !slices.Equal(keys, []string{"b", "c d", "é"}) || res.IsTruncated {
			t.Errorf("page 2: %q truncated %v", keys, res.IsTruncated)
		}
	})
}

func TestListLargerThanPage(t *testing.T) {
	t.Parallel()
	run(t, func(t *testing.T, bk backend) {
		e := bk.env(t)
		e.mkBucket("bkt")
		// Filled through the backend: 1,005 signed PUTs would only slow the test.
		for i := range 1005 {
			if _, err := e.srv.Backend.PutObject(context.Background(), "bkt", fmt.Sprintf("k%04d", i), strings.NewReader(""), storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		var res s3xml.ListBucketResultV2
		e.must(200, "GET", "/bkt?list-type=2", nil, nil).decode(t, &res)
		if len(res.Contents) != 1000 || !res.IsTruncated {
			t.Fatalf("first page: %d keys, truncated %v", len(res.Contents), res.IsTruncated)
		}
		res2 := s3xml.ListBucketResultV2{}
		e.must(200, "GET", "/bkt?list-type=2&continuation-token="+url.QueryEscape(res.NextContinuationToken), nil, nil).decode(t, &res2)
		if len(res2.Contents) != 5 || res2.Contents[0].Key != "k1000" || res2.IsTruncated {
			t.Errorf("second page: %q", keysOf(res2.Contents))
		}
	})
}
