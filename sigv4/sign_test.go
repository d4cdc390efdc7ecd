package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDeriveKeyMatchesCryptoHMAC checks the allocation-free HMAC chain
// against crypto/hmac, including secrets longer than a SHA-256 block.
func TestDeriveKeyMatchesCryptoHMAC(t *testing.T) {
	ref := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	for _, n := range []int{0, 1, 40, 59, 60, 61, 64, 100, 300} {
		secret := strings.Repeat("s", n)
		want := ref(ref(ref(ref([]byte("AWS4"+secret), "20261127"), "eu-west-1"), "s3"), "aws4_request")
		got := deriveKey(secret, "20261127", "eu-west-1", "s3")
		if string(got[:]) != string(want) {
			t.Errorf("secret length %d: derived key differs from crypto/hmac", n)
		}
		msg := strings.Repeat("m", n*3)
		if h := hmacSum(&got, []byte(msg)); string(h[:]) != string(ref(got[:], msg)) {
			t.Errorf("message length %d: hmacSum differs from crypto/hmac", len(msg))
		}
	}
}

// TestSignerConcurrent signs with many keys and days from many goroutines
// (run with -race): the key cache must give each its own key.
func TestSignerConcurrent(t *testing.T) {
	s := NewSigner()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				in := testInput("")
				in.Credentials.SecretAccessKey = strings.Repeat("k", 1+(g+i)%5)
				in.Time = testTime.Add(time.Duration(i%3) * 24 * time.Hour)
				req, _ := http.NewRequest(http.MethodGet, "http://h/b/k", nil)
				sig, err := s.Sign(req, in)
				if err != nil {
					t.Error(err)
					return
				}
				req2, _ := http.NewRequest(http.MethodGet, "http://h/b/k", nil)
				if sig2, _ := NewSigner().Sign(req2, in); sig2 != sig {
					t.Errorf("shared signer gave %s, fresh signer %s", sig, sig2)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestSignRejectsIncompleteInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*SignInput)
	}{
		{"no access key", func(in *SignInput) { in.Credentials.AccessKeyID = "" }},
		{"no secret", func(in *SignInput) { in.Credentials.SecretAccessKey = "" }},
		{"no region", func(in *SignInput) { in.Region = "" }},
		{"no service", func(in *SignInput) { in.Service = "" }},
		{"no time", func(in *SignInput) { in.Time = time.Time{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := testInput("")
			tc.change(&in)
			req, _ := http.NewRequest(http.MethodGet, "http://h/b/k", nil)
			if _, err := NewSigner().Sign(req, in); err == nil {
				t.Error("Sign accepted it")
			}
			if _, err := NewSigner().Presign(req, in, time.Hour); err == nil {
				t.Error("Presign accepted it")
			}
			if req.Header.Get("Authorization") != "" {
				t.Error("a failed Sign left an Authorization header")
			}
		})
	}
}
