package speedratio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/s3test"
)

// BenchmarkBoto3Ratio times the same sequential work — 300 PUTs and GETs
// of 64 KiB, one PUT and GET of 64 MiB — with the s3 package and with boto3
// (python3 on PATH), against one s3test server, and reports boto3's time
// over s3kit's for each (above 1: s3kit is faster).
func BenchmarkBoto3Ratio(b *testing.B) {
	const n, small, large = 300, 64 << 10, 64 << 20
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 with boto3 is needed")
	}
	srv := s3test.NewServer(b)
	sess, err := s3.NewSession(context.Background(), s3.WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		s3.WithRegion(srv.Region), s3.WithEnv(func(string) (string, bool) { return "", false }, b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	c, err := sess.Client(s3.WithEndpointURL(srv.URL), s3.WithProvider("s3kit"))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: "cmp"}); err != nil {
		b.Fatal(err)
	}
	smallData, largeData := bytes.Repeat([]byte("x"), small), bytes.Repeat([]byte("y"), large)
	timeIt := func(f func() error) float64 {
		start := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		return time.Since(start).Seconds()
	}
	get := func(key string) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: "cmp", Key: key})
		if err != nil {
			return err
		}
		defer out.Body.Close()
		_, err = io.Copy(io.Discard, out.Body)
		return err
	}
	script := fmt.Sprintf(`
import boto3, time
c = boto3.client("s3")
small, large = b"x" * %d, b"y" * %d
def t(f):
    s = time.perf_counter(); f(); return time.perf_counter() - s
def puts():
    for i in range(%d): c.put_object(Bucket="cmp", Key="py/%%d" %% i, Body=small)
def gets():
    for i in range(%d): c.get_object(Bucket="cmp", Key="py/%%d" %% i)["Body"].read()
r = [t(puts), t(gets), t(lambda: c.put_object(Bucket="cmp", Key="py/large", Body=large)),
     t(lambda: c.get_object(Bucket="cmp", Key="py/large")["Body"].read())]
print(" ".join("%%.4f" %% x for x in r))
`, small, large, n, n)
	var goRes, pyRes []float64
	for b.Loop() {
		goRes = []float64{
			timeIt(func() error {
				for i := range n {
					if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: "cmp", Key: "go/" + strconv.Itoa(i), Body: bytes.NewReader(smallData)}); err != nil {
						return err
					}
				}
				return nil
			}),
			timeIt(func() error {
				for i := range n {
					if err := get("go/" + strconv.Itoa(i)); err != nil {
						return err
					}
				}
				return nil
			}),
			timeIt(func() error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: "cmp", Key: "go/large", Body: bytes.NewReader(largeData)})
				return err
			}),
			timeIt(func() error { return get("go/large") }),
		}
		cmd := exec.Command("python3", "-c", script)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}, srv.Env()...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("boto3: %v\n%s", err, out)
		}
		pyRes = pyRes[:0]
		for _, f := range strings.Fields(string(out)) {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				b.Fatalf("boto3 output %q: %v", out, err)
			}
			pyRes = append(pyRes, v)
		}
		if len(pyRes) != len(goRes) {
			b.Fatalf("boto3 output %q: want %d figures", out, len(goRes))
		}
	}
	for i, name := range []string{"64KiB-PUT", "64KiB-GET", "64MiB-PUT", "64MiB-GET"} {
		b.ReportMetric(pyRes[i]/goRes[i], name+"-boto3/s3kit")
	}
}
