// Command awsgocp copies files to and from S3 with aws-sdk-go-v2's transfer
// manager (feature/s3/manager) at its defaults, for the side-by-side
// benchmark in bench/transfer.sh. See bench/peers/internal/peercli for the
// command line.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3kit/s3kit/bench/peers/internal/peercli"
)

type client struct {
	s3   *s3.Client
	up   *manager.Uploader
	down *manager.Downloader
}

func newClient(cfg peercli.Config) (peercli.Client, error) {
	c := s3.New(s3.Options{
		BaseEndpoint: aws.String(cfg.Endpoint),
		Region:       cfg.Region,
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
	})
	return client{s3: c, up: manager.NewUploader(c), down: manager.NewDownloader(c)}, nil
}

func (c client) Upload(ctx context.Context, file, bucket, key string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = c.up.Upload(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: f})
	return err
}

func (c client) Download(ctx context.Context, bucket, key, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	_, err = c.down.Download(ctx, f, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	return errors.Join(err, f.Close())
}

func (c client) List(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(c.s3, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := peercli.Main(ctx, "awsgocp", os.Args[1:], os.Stderr, newClient)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "awsgocp:", err)
		if errors.As(err, new(*peercli.UsageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
