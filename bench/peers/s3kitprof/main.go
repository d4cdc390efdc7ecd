// Command s3kitprof runs s3kit's own transfer manager (package transfer over
// package s3, at the defaults `s3kit cp` uses) behind the peer command line,
// so that a transfer can be CPU-profiled (-cpuprofile) without adding a
// profiling flag to the s3kit CLI. See bench/peers/internal/peercli.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/s3kit/s3kit/bench/peers/internal/peercli"
	"github.com/s3kit/s3kit/s3"
	"github.com/s3kit/s3kit/transfer"
)

type client struct {
	c *s3.Client
	m *transfer.Manager
}

func newClient(cfg peercli.Config) (peercli.Client, error) {
	sess, err := s3.NewSession(context.Background(),
		s3.WithCredentials(cfg.AccessKey, cfg.SecretKey, ""),
		s3.WithRegion(cfg.Region))
	if err != nil {
		return nil, err
	}
	c, err := sess.Client(s3.WithEndpointURL(cfg.Endpoint))
	if err != nil {
		return nil, err
	}
	return client{c: c, m: transfer.New(c, transfer.Options{})}, nil
}

func (c client) Upload(ctx context.Context, file, bucket, key string) error {
	_, err := c.m.UploadFile(ctx, file, bucket, key)
	return err
}

func (c client) Download(ctx context.Context, bucket, key, file string) error {
	_, err := c.m.DownloadFile(ctx, bucket, key, file)
	return err
}

func (c client) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	for o, err := range c.c.AllObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket, Prefix: prefix}) {
		if err != nil {
			return nil, err
		}
		keys = append(keys, o.Key)
	}
	return keys, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := peercli.Main(ctx, "s3kitprof", os.Args[1:], os.Stderr, newClient)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "s3kitprof:", err)
		if errors.As(err, new(*peercli.UsageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
