package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/keys"
	"github.com/s3kit/s3kit/sigv4"
	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

// legacyKey is a key as the release before accounts wrote it.
type legacyKey struct {
	ID       string   `json:"access_key_id"`
	Secret   string   `json:"secret_access_key"`
	Name     string   `json:"name"`
	ReadOnly bool     `json:"read_only"`
	Buckets  []string `json:"buckets"`
}

// legacyAllows is the rule the release before identity policies applied:
// read-only keys may only GET and HEAD, bucket-limited keys only their
// buckets (and the bucket list, showing only those).
func legacyAllows(k legacyKey, method, bucket string) bool {
	if k.ReadOnly && method != http.MethodGet && method != http.MethodHead {
		return false
	}
	return bucket == "" || len(k.Buckets) == 0 || slices.Contains(k.Buckets, bucket)
}

// TestUpgradeKeepsAccess serves the key file written by the release
// before accounts and identity policies (testdata/upgrade-v1, made with
// "s3kit keys create" of that release: a full key, --read-only,
// --bucket photos, and --read-only --bucket photos --bucket logs) over
// buckets that record no owner, and checks every key can do exactly what
// it could before, no more and no less.
func TestUpgradeKeepsAccess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	raw, err := os.ReadFile("testdata/upgrade-v1/keys.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Keys []legacyKey }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, keys.FileName), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := keys.Open(dir, keys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := store.DefaultAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	backend := mem.New(mem.Options{})
	for _, b := range []string{"photos", "logs", "other"} {
		if err := backend.CreateBucket(ctx, b, storage.CreateBucketOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := backend.PutObject(ctx, b, "seed", strings.NewReader("x"), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(server.New(server.Config{Backend: backend, Keys: serverKeys{store}, DefaultAccount: acct.ID}))
	defer hs.Close()
	signer := sigv4.NewSigner()
	send := func(k legacyKey, method, path string, body []byte) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := signer.Sign(req, sigv4.SignInput{Credentials: sigv4.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret},
			Service: "s3", Region: "us-east-1", Time: time.Now(), PayloadHash: sigv4.UnsignedPayload}); err != nil {
			t.Fatal(err)
		}
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		_, _ = out.ReadFrom(resp.Body)
		return resp.StatusCode, out.Bytes()
	}
	if len(doc.Keys) != 4 {
		t.Fatalf("fixture holds %d keys, want 4", len(doc.Keys))
	}
	for _, k := range doc.Keys {
		t.Run(k.Name, func(t *testing.T) {
			for _, c := range []struct{ method, bucket, key string }{
				{http.MethodGet, "photos", "seed"},
				{http.MethodHead, "photos", "seed"},
				{http.MethodGet, "other", "seed"},
				{http.MethodGet, "logs", ""},
				{http.MethodGet, "other", ""},
				{http.MethodPut, "photos", "new-" + k.ID},
				{http.MethodPut, "other", "new-" + k.ID},
				{http.MethodDelete, "photos", "gone-" + k.ID},
				{http.MethodDelete, "other", "gone-" + k.ID},
			} {
				path := "/" + c.bucket
				if c.key != "" {
					path += "/" + c.key
				}
				status, body := send(k, c.method, path, []byte("data"))
				allowed := status < 300
				if want := legacyAllows(k, c.method, c.bucket); allowed != want {
					t.Errorf("%s %s: status %d (allowed %v), the old release allowed: %v\n%s", c.method, path, status, allowed, want, body)
				}
				if !allowed && status != http.StatusForbidden {
					t.Errorf("%s %s: refused with %d, want 403", c.method, path, status)
				}
			}
			status, body := send(k, http.MethodGet, "/", nil)
			if status != http.StatusOK {
				t.Fatalf("ListBuckets: %d\n%s", status, body)
			}
			var list struct {
				Buckets []string `xml:"Buckets>Bucket>Name"`
			}
			if err := xml.Unmarshal(body, &list); err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, b := range []string{"logs", "other", "photos"} {
				if legacyAllows(k, http.MethodGet, b) {
					want = append(want, b)
				}
			}
			if !slices.Equal(list.Buckets, want) {
				t.Errorf("ListBuckets shows %v, the old release showed %v", list.Buckets, want)
			}
		})
	}
	// The file is upgraded in place: the default account is recorded and
	// every key keeps its secret.
	infos, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range infos {
		if i.Account != acct.ID || i.AccountName != keys.DefaultAccountName || !strings.HasPrefix(i.ARN, "arn:aws:iam::"+acct.ID+":user/") {
			t.Errorf("key %s after the upgrade: account %q (%s), ARN %s", i.AccessKeyID, i.Account, i.AccountName, i.ARN)
		}
	}
}
