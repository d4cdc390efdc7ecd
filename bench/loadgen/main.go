// Command loadgen is the one load client s3kit's server benchmarks use for
// every peer (s3kit, gofakes3, moto, ...), so their numbers compare: a fixed
// number of operations spread over N workers, reporting ops/s, MiB/s and
// p50/p99 latency. It uses aws-sdk-go-v2, a common Go client, so the server's
// cost is measured as Go programs would see it.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

type options struct {
	endpoint, region, key, secret, bucket, op, label string
	n, workers                                       int
	size                                             int64
	partSize                                         int64
	jsonOut                                          bool
	prefix                                           string
}

func main() {
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "http://127.0.0.1:9000", "S3 endpoint URL")
	flag.StringVar(&o.region, "region", "us-east-1", "region")
	flag.StringVar(&o.key, "access-key", os.Getenv("AWS_ACCESS_KEY_ID"), "access key ID")
	flag.StringVar(&o.secret, "secret-key", os.Getenv("AWS_SECRET_ACCESS_KEY"), "secret access key")
	flag.StringVar(&o.bucket, "bucket", "bench", "bucket (created if missing)")
	flag.StringVar(&o.op, "op", "put", "put | get | bigput | bigget | rangeget | fill | listall")
	flag.StringVar(&o.label, "label", "", "name of the server, for the report")
	flag.StringVar(&o.prefix, "prefix", "obj/", "key prefix")
	flag.IntVar(&o.n, "n", 2000, "number of operations (fill: number of keys)")
	flag.IntVar(&o.workers, "c", 16, "concurrent workers")
	flag.Int64Var(&o.size, "size", 4096, "object size in bytes")
	flag.Int64Var(&o.partSize, "part-size", 16<<20, "multipart part size (bigput)")
	flag.BoolVar(&o.jsonOut, "json", false, "print one JSON line")
	flag.Parse()
	ctx := context.Background()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func client(o options) *s3.Client {
	return s3.New(s3.Options{
		Region:       o.region,
		BaseEndpoint: aws.String(o.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(o.key, o.secret, ""),
		// The peers' figures were measured with checksums as the SDK sends
		// them by default only when required, so every server gets the same
		// plain requests.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient:                 awsHTTPClient(o.workers),
	})
}

type result struct {
	Label   string  `json:"label"`
	Op      string  `json:"op"`
	Ops     int     `json:"ops"`
	Workers int     `json:"workers"`
	Size    int64   `json:"size"`
	Seconds float64 `json:"seconds"`
	OpsPerS float64 `json:"ops_per_s"`
	MiBPerS float64 `json:"mib_per_s"`
	P50ms   float64 `json:"p50_ms"`
	P99ms   float64 `json:"p99_ms"`
	Errors  int64   `json:"errors"`
}

func run(ctx context.Context, o options) error {
	c := client(o)
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &o.bucket}); err != nil {
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &o.bucket}); err != nil {
			var owned *types.BucketAlreadyOwnedByYou
			if !errors.As(err, &owned) {
				return fmt.Errorf("create bucket: %w", err)
			}
		}
	}
	payload := make([]byte, o.size)
	if o.op != "bigput" {
		rand.Read(payload)
	}
	key := func(i int) string { return fmt.Sprintf("%s%08d", o.prefix, i) }
	// parts is -c for the single-object ops, which run one operation whose
	// transfer manager moves -c parts at once (o.workers is set to 1 for
	// them below, after these closures are built).
	parts := o.workers
	var op func(ctx context.Context, i int) (int64, error)
	n := o.n
	switch o.op {
	case "put", "fill":
		op = func(ctx context.Context, i int) (int64, error) {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &o.bucket, Key: aws.String(key(i)),
				Body: bytes.NewReader(payload), ContentLength: aws.Int64(o.size)})
			return o.size, err
		}
	case "get":
		// Objects 0..n-1 must exist (run put first with the same -n).
		op = func(ctx context.Context, i int) (int64, error) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &o.bucket, Key: aws.String(key(i))})
			if err != nil {
				return 0, err
			}
			defer out.Body.Close()
			return io.Copy(io.Discard, out.Body)
		}
	case "bigput":
		n = 1
		op = func(ctx context.Context, i int) (int64, error) {
			up := manager.NewUploader(c, func(u *manager.Uploader) {
				u.PartSize = o.partSize
				u.Concurrency = parts
			})
			_, err := up.Upload(ctx, &s3.PutObjectInput{Bucket: &o.bucket, Key: aws.String("big"),
				Body: io.LimitReader(zeroReader{}, o.size)})
			return o.size, err
		}
		o.workers = 1
	case "bigget", "rangeget":
		n = 1
		op = func(ctx context.Context, i int) (int64, error) {
			dl := manager.NewDownloader(c, func(d *manager.Downloader) {
				d.PartSize = o.partSize
				d.Concurrency = parts
			})
			if o.op == "bigget" {
				dl.Concurrency = 1
				dl.PartSize = 1 << 40
			}
			return dl.Download(ctx, discardAt{}, &s3.GetObjectInput{Bucket: &o.bucket, Key: aws.String("big")})
		}
		o.workers = 1
	case "listall":
		n = 1
		op = func(ctx context.Context, i int) (int64, error) {
			p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &o.bucket, Prefix: &o.prefix})
			var keys int64
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return keys, err
				}
				keys += int64(len(page.Contents))
			}
			if keys < int64(o.n) {
				return keys, fmt.Errorf("listed %d keys, want %d", keys, o.n)
			}
			return keys, nil
		}
		o.workers = 1
	default:
		return fmt.Errorf("unknown -op %q", o.op)
	}
	r := drive(ctx, n, o.workers, op)
	r.Label, r.Op, r.Size = o.label, o.op, o.size
	if o.jsonOut {
		return json.NewEncoder(os.Stdout).Encode(r)
	}
	fmt.Printf("%-10s %-8s n=%-6d c=%-3d size=%-10d %8.1f ops/s %9.1f MiB/s  p50 %7.2f ms  p99 %7.2f ms  errors %d\n",
		r.Label, r.Op, r.Ops, r.Workers, r.Size, r.OpsPerS, r.MiBPerS, r.P50ms, r.P99ms, r.Errors)
	if r.Errors > 0 {
		return fmt.Errorf("%d operations failed", r.Errors)
	}
	return nil
}

func drive(ctx context.Context, n, workers int, op func(context.Context, int) (int64, error)) result {
	lat := make([]time.Duration, n)
	var next, errs, bytesDone atomic.Int64
	var firstErr sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				b, err := op(ctx, i)
				lat[i] = time.Since(t0)
				bytesDone.Add(b)
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { fmt.Fprintln(os.Stderr, "first error:", err) })
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(n-1))].Microseconds()) / 1000 }
	return result{Ops: n, Workers: workers, Seconds: el.Seconds(), OpsPerS: float64(n) / el.Seconds(),
		MiBPerS: float64(bytesDone.Load()) / (1 << 20) / el.Seconds(), P50ms: pct(0.5), P99ms: pct(0.99), Errors: errs.Load()}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type discardAt struct{}

func (discardAt) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }
