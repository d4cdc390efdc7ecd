package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/sigv4"
)

// benchSmall measures signed 4 KiB PUTs or GETs over loopback with
// b.RunParallel (run with -cpu to set the client count).
func benchSmall(b *testing.B, get bool, opts ...s3test.Option) { benchSmallPolicy(b, get, "", opts...) }

// benchSmallPolicy is benchSmall on a bucket with the bucket policy
// policy ("" for none).
func benchSmallPolicy(b *testing.B, get bool, policy string, opts ...s3test.Option) {
	srv := s3test.NewServer(b, opts...)
	signer := sigv4.NewSigner()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := bytes.Repeat([]byte("x"), 4<<10)
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	do := func(method, path string, payload []byte, ph string) {
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(payload))
		if _, err := signer.Sign(req, sigv4.SignInput{Credentials: srv.Credentials(), Service: "s3", Region: srv.Region, Time: time.Now(), PayloadHash: ph}); err != nil {
			b.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			b.Fatalf("%s %s: %d", method, path, resp.StatusCode)
		}
	}
	do("PUT", "/bench", nil, sigv4.EmptyPayloadHash)
	if policy != "" {
		sum := sha256.Sum256([]byte(policy))
		do("PUT", "/bench?policy", []byte(policy), hex.EncodeToString(sum[:]))
	}
	const keys = 256
	if get {
		for i := range keys {
			do("PUT", fmt.Sprintf("/bench/k%d", i), body, hash)
		}
	}
	var n atomic.Int64
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			path := fmt.Sprintf("/bench/k%d", n.Add(1)%keys)
			if get {
				do("GET", path, nil, sigv4.EmptyPayloadHash)
			} else {
				do("PUT", path, body, hash)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

func BenchmarkPut4KiBMem(b *testing.B)  { benchSmall(b, false) }
func BenchmarkGet4KiBMem(b *testing.B)  { benchSmall(b, true) }
func BenchmarkPut4KiBDisk(b *testing.B) { benchSmall(b, false, s3test.WithDisk()) }
func BenchmarkGet4KiBDisk(b *testing.B) { benchSmall(b, true, s3test.WithDisk()) }

// benchBucketPolicy is a 20-statement bucket policy of the shape the
// policy package's BenchmarkEvaluate uses: 18 statements for other
// accounts' users with conditions, a Deny that does not apply to the
// benchmark's client (it comes from 127.0.0.1) and a ListBucket
// statement. The owner's GETs walk all of it.
func benchBucketPolicy() string {
	var stmts []string
	for i := 0; i < 18; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::2222222222%02d:user/u%d","3333333333%02d"]},
			"Action":["s3:GetObject","s3:PutObject*"],"Resource":"arn:aws:s3:::bench/team%d/*",
			"Condition":{"StringLike":{"s3:x-amz-acl":"bucket-owner-*"},"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","192.0.2.0/24"]}}}`, i, i, i, i, i, i))
	}
	stmts = append(stmts,
		`{"Sid":"DenyOutside","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":["127.0.0.0/8","::1/128"]}}}`,
		`{"Sid":"Home","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::bench","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*",""]}}}`)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// BenchmarkGet4KiBMemPolicy is BenchmarkGet4KiBMem with a 20-statement
// bucket policy on the bucket: the two side by side show what
// authorization costs a small GET.
func BenchmarkGet4KiBMemPolicy(b *testing.B) { benchSmallPolicy(b, true, benchBucketPolicy()) }
