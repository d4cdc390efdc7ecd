// Command miniocp copies files to and from S3 with minio-go at its defaults
// (FPutObject / FGetObject), for the side-by-side benchmark in
// bench/transfer.sh. See bench/peers/internal/peercli for the command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/signal"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3kit/s3kit/bench/peers/internal/peercli"
)

type client struct{ mc *minio.Client }

func newClient(cfg peercli.Config) (peercli.Client, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	mc, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		return nil, err
	}
	return client{mc: mc}, nil
}

func (c client) Upload(ctx context.Context, file, bucket, key string) error {
	_, err := c.mc.FPutObject(ctx, bucket, key, file, minio.PutObjectOptions{})
	return err
}

func (c client) Download(ctx context.Context, bucket, key, file string) error {
	return c.mc.FGetObject(ctx, bucket, key, file, minio.GetObjectOptions{})
}

func (c client) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	for o := range c.mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, o.Err
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := peercli.Main(ctx, "miniocp", os.Args[1:], os.Stderr, newClient)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "miniocp:", err)
		if errors.As(err, new(*peercli.UsageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
