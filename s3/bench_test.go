package s3

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

	"github.com/s3kit/s3kit/s3test"
)

func benchClient(b *testing.B, provider string) (*Client, string) {
	b.Helper()
	srv := s3test.NewServer(b)
	sess, err := NewSession(context.Background(), WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		WithRegion(srv.Region), WithEnv(envMap(nil), b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL(srv.URL), WithProvider(provider))
	if err != nil {
		b.Fatal(err)
	}
	if err := c.CreateBucket(context.Background(), &CreateBucketInput{Bucket: "bench"}); err != nil {
		b.Fatal(err)
	}
	return c, "bench"
}

// BenchmarkClient measures one client's request path against an
// in-process s3test server: payload modes for uploads, and streaming GETs.
func BenchmarkClient(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{64 << 10, 8 << 20} {
		data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
		for _, mode := range []struct {
			name, provider string
			body           func() io.Reader
		}{
			{"seekable-crc32-header", "s3kit", func() io.Reader { return bytes.NewReader(data) }},
			{"stream-chunked-trailer", "s3kit", func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }},
			{"seekable-no-checksum", "unknown", func() io.Reader { return bytes.NewReader(data) }},
		} {
			b.Run(fmt.Sprintf("Put/%dKiB/%s", size>>10, mode.name), func(b *testing.B) {
				c, bucket := benchClient(b, mode.provider)
				b.SetBytes(int64(size))
				for i := 0; b.Loop(); i++ {
					_, err := c.PutObject(ctx, &PutObjectInput{Bucket: bucket, Key: strconv.Itoa(i % 16), Body: mode.body(), ContentLength: int64(size)})
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("Get/%dKiB/verify-crc32", size>>10), func(b *testing.B) {
			c, bucket := benchClient(b, "s3kit")
			if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: bucket, Key: "obj", Body: bytes.NewReader(data)}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			for b.Loop() {
				out, err := c.GetObject(ctx, &GetObjectInput{Bucket: bucket, Key: "obj"})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, out.Body); err != nil {
					b.Fatal(err)
				}
				out.Body.Close()
			}
		})
	}
}

// TestCompareBoto3 times the same sequential work — N small PUTs, N small
// GETs and one large PUT/GET — with this client and with boto3, against
// one s3test server. It runs only with S3KIT_BENCH=1 (it is a
// measurement, not a check) and logs the figures and ratios.
func TestCompareBoto3(t *testing.T) {
	if os.Getenv("S3KIT_BENCH") != "1" {
		t.Skip("measurement: set S3KIT_BENCH=1 to run")
	}
	const n, small, large = 300, 64 << 10, 64 << 20
	srv := s3test.NewServer(t)
	sess, err := NewSession(context.Background(), WithCredentials(srv.AccessKeyID, srv.SecretAccessKey, ""),
		WithRegion(srv.Region), WithEnv(envMap(nil), t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sess.Client(WithEndpointURL(srv.URL), WithProvider("s3kit"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.CreateBucket(ctx, &CreateBucketInput{Bucket: "cmp"}); err != nil {
		t.Fatal(err)
	}
	smallData, largeData := bytes.Repeat([]byte("x"), small), bytes.Repeat([]byte("y"), large)
	timeIt := func(f func() error) float64 {
		start := time.Now()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		return time.Since(start).Seconds()
	}
	goRes := []float64{
		timeIt(func() error {
			for i := range n {
				if _, err := c.PutObject(ctx, &PutObjectInput{Bucket: "cmp", Key: "go/" + strconv.Itoa(i), Body: bytes.NewReader(smallData)}); err != nil {
					return err
				}
			}
			return nil
		}),
		timeIt(func() error {
			for i := range n {
				out, err := c.GetObject(ctx, &GetObjectInput{Bucket: "cmp", Key: "go/" + strconv.Itoa(i)})
				if err != nil {
					return err
				}
				io.Copy(io.Discard, out.Body)
				out.Body.Close()
			}
			return nil
		}),
		timeIt(func() error {
			_, err := c.PutObject(ctx, &PutObjectInput{Bucket: "cmp", Key: "go/large", Body: bytes.NewReader(largeData)})
			return err
		}),
		timeIt(func() error {
			out, err := c.GetObject(ctx, &GetObjectInput{Bucket: "cmp", Key: "go/large"})
			if err != nil {
				return err
			}
			defer out.Body.Close()
			_, err = io.Copy(io.Discard, out.Body)
			return err
		}),
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
	cmd := exec.Command("python3", "-c", script)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, srv.Env()...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	names := []string{fmt.Sprintf("%d x 64 KiB PUT", n), fmt.Sprintf("%d x 64 KiB GET", n), "1 x 64 MiB PUT", "1 x 64 MiB GET"}
	for i, name := range names {
		py, _ := strconv.ParseFloat(fields[i], 64)
		t.Logf("%-18s s3kit/s3 %.3fs  boto3 %.3fs  ratio %.2fx", name, goRes[i], py, py/goRes[i])
	}
}
