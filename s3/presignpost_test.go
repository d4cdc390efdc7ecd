package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// TestPresignPostMatchesBotocore builds the same forms with this client
// and with botocore's generate_presigned_post at the same fixed time, and
// requires the same URL and the same fields, policy and signature
// included, byte for byte.
func TestPresignPostMatchesBotocore(t *testing.T) {
	t.Parallel()
	if err := exec.Command("python3", "-c", "import botocore").Run(); err != nil {
		t.Skip("python3 with botocore not installed")
	}
	type tc struct {
		Name, Endpoint, Region, Style, Bucket, Key, Token string
		Fields                                            [][2]string
		Conditions                                        []any
	}
	cases := []tc{
		{Name: "plain", Endpoint: "http://127.0.0.1:9000", Region: "us-east-1", Bucket: "bkt", Key: "dir/a b.txt"},
		{Name: "filename", Endpoint: "", Region: "eu-west-1", Style: "virtual", Bucket: "mybucket", Key: "uploads/${filename}"},
		{Name: "conditions", Endpoint: "http://localhost:9000", Region: "eu-central-1", Bucket: "bkt", Key: "ünï/k\"q",
			Fields:     [][2]string{{"Content-Type", "text/plain"}, {"x-amz-meta-who", "Zoë ☃ 𝄞"}},
			Conditions: []any{[]any{"content-length-range", 1, 1048576}, []any{"starts-with", "$Content-Type", "text/"}, map[string]string{"x-amz-meta-who": "Zoë ☃ 𝄞"}}},
		{Name: "session token", Endpoint: "http://127.0.0.1:9000", Region: "us-east-1", Bucket: "bkt", Key: "k", Token: "tok/en+="},
	}
	in, _ := json.Marshal(cases)
	script := `
import json, sys, datetime
from unittest import mock
import botocore.session
from botocore.config import Config
fixed = datetime.datetime(2026, 1, 2, 3, 4, 5)
out = []
s = botocore.session.get_session()
for c in json.loads(sys.argv[1]):
    cfg = Config(s3={"addressing_style": c["Style"]} if c["Style"] else {}, signature_version="s3v4")
    cl = s.create_client("s3", region_name=c["Region"], endpoint_url=c["Endpoint"] or None,
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", aws_session_token=c["Token"] or None, config=cfg)
    with mock.patch("botocore.auth.get_current_datetime", return_value=fixed), \
         mock.patch("botocore.signers.get_current_datetime", return_value=fixed):
        out.append(cl.generate_presigned_post(c["Bucket"], c["Key"], Fields=dict(c["Fields"] or []),
                                              Conditions=c["Conditions"], ExpiresIn=600))
print(json.dumps(out))
`
	raw, err := exec.Command("python3", "-c", script, string(in)).CombinedOutput()
	if err != nil {
		t.Fatalf("botocore: %v\n%s", err, raw)
	}
	var want []struct {
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("botocore output %q: %v", raw, err)
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			cl := testClient(t, c.Endpoint, func(cfg *clientConfig) {
				cfg.region, cfg.addressingStyle = c.Region, c.Style
				cfg.creds = func(context.Context) (sigv4.Credentials, bool, error) {
					return sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: c.Token}, true, nil
				}
			})
			opts := PresignPostInput{Bucket: c.Bucket, Key: c.Key}
			for _, f := range c.Fields {
				opts.Fields = append(opts.Fields, PostField{f[0], f[1]})
			}
			if c.Name == "conditions" {
				opts.Conditions = []PostCondition{ContentLengthRange(1, 1048576), StartsWithCondition("Content-Type", "text/"),
					EqualCondition("x-amz-meta-who", "Zoë ☃ 𝄞")}
			}
			got, err := cl.PresignPostObject(context.Background(), &opts, 10*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if got.URL != want[i].URL {
				t.Errorf("URL %s, botocore %s", got.URL, want[i].URL)
			}
			gm := got.FieldMap()
			for k, v := range want[i].Fields {
				if gm[k] != v {
					t.Errorf("field %s = %q, botocore %q", k, gm[k], v)
				}
			}
			if len(gm) != len(want[i].Fields) || len(got.Fields) != len(gm) {
				t.Errorf("fields %v, botocore %v", got.Fields, want[i].Fields)
			}
		})
	}
}

// TestPresignPostAgainstServer posts forms made by PresignPostObject to an
// s3test server: the object is stored; a file past the length range and
// an expired form are refused.
func TestPresignPostAgainstServer(t *testing.T) {
	t.Parallel()
	srv := s3test.NewServer(t)
	c, err := sessionFor(t, srv).Client(WithEndpointURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "forms"}); err != nil {
		t.Fatal(err)
	}
	p, err := c.PresignPostObject(ctx, &PresignPostInput{
		Bucket: "forms", Key: "in/${filename}",
		Fields:     []PostField{{"Content-Type", "text/csv"}},
		Conditions: []PostCondition{ContentLengthRange(1, 10), EqualCondition("Content-Type", "text/csv")},
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	post := func(name string, data []byte) int {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, f := range p.Fields {
			w.WriteField(f.Name, f.Value)
		}
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
		w.Close()
		resp, err := srv.Client().Post(p.URL, w.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("a.csv", []byte("1,2")); st != http.StatusNoContent {
		t.Fatalf("status %d", st)
	}
	obj, err := c.GetObject(ctx, &GetObjectInput{Bucket: "forms", Key: "in/a.csv"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if string(data) != "1,2" || obj.ContentType != "text/csv" {
		t.Errorf("object %q %q", data, obj.ContentType)
	}
	if st := post("big.csv", bytes.Repeat([]byte("x"), 11)); st != http.StatusBadRequest {
		t.Errorf("file past the range: status %d", st)
	}
	if _, err := c.PresignPostObject(ctx, &PresignPostInput{Bucket: "forms", Key: "k"}, 8*24*time.Hour); err == nil {
		t.Error("an 8-day form was signed")
	}
	if _, err := c.PresignPostObject(ctx, &PresignPostInput{Bucket: "forms"}, time.Minute); err == nil {
		t.Error("a form without a key was signed")
	}
}
