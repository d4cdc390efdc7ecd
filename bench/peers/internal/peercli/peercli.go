// Package peercli is the command line shared by the peer benchmark programs
// (bench/peers/miniocp, bench/peers/awsgocp): four subcommands that move one
// file or a directory of files between local disk and an S3 endpoint, with
// the library under test behind the small Client interface.
//
//	PROG [flags] up FILE s3://BUCKET/KEY
//	PROG [flags] down s3://BUCKET/KEY FILE
//	PROG [flags] updir DIR s3://BUCKET/PREFIX
//	PROG [flags] downdir s3://BUCKET/PREFIX DIR
//
// Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the
// endpoint from -endpoint or AWS_ENDPOINT_URL. Directory jobs run one object
// per goroutine, -c goroutines at once.
package peercli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"golang.org/x/sync/errgroup"
)

// Config is what a program needs to build its client.
type Config struct {
	Endpoint  string // http://host:port
	Region    string
	AccessKey string
	SecretKey string
}

// Client is the part of an S3 library the benchmark exercises.
type Client interface {
	// Upload copies the local file to bucket/key.
	Upload(ctx context.Context, file, bucket, key string) error
	// Download copies bucket/key into the local file, creating it.
	Download(ctx context.Context, bucket, key, file string) error
	// List returns every key under prefix.
	List(ctx context.Context, bucket, prefix string) ([]string, error)
}

// UsageError is returned for a malformed command line.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return "usage: " + e.Msg }

// Main parses args (without the program name), builds the client with
// newClient and runs the subcommand.
func Main(ctx context.Context, name string, args []string, stderr io.Writer, newClient func(Config) (Client, error)) error {
	fl := flag.NewFlagSet(name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	var cfg Config
	fl.StringVar(&cfg.Endpoint, "endpoint", os.Getenv("AWS_ENDPOINT_URL"), "S3 endpoint URL")
	fl.StringVar(&cfg.Region, "region", "us-east-1", "region")
	conc := fl.Int("c", 16, "objects in flight for updir/downdir")
	cpuprofile := fl.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fl.Parse(args); err != nil {
		return &UsageError{Msg: err.Error()}
	}
	cfg.AccessKey = os.Getenv("AWS_ACCESS_KEY_ID")
	cfg.SecretKey = os.Getenv("AWS_SECRET_ACCESS_KEY")
	if fl.NArg() != 3 {
		return &UsageError{Msg: name + " [flags] up|down|updir|downdir SRC DST"}
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		return &UsageError{Msg: "need -endpoint (or AWS_ENDPOINT_URL), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"}
	}
	c, err := newClient(cfg)
	if err != nil {
		return fmt.Errorf("new client: %w", err)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return errors.Join(err, f.Close())
		}
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	return run(ctx, c, fl.Arg(0), fl.Arg(1), fl.Arg(2), *conc)
}

func run(ctx context.Context, c Client, cmd, src, dst string, conc int) error {
	switch cmd {
	case "up":
		b, k, err := parseURL(dst)
		if err != nil {
			return err
		}
		return c.Upload(ctx, src, b, k)
	case "down":
		b, k, err := parseURL(src)
		if err != nil {
			return err
		}
		return c.Download(ctx, b, k, dst)
	case "updir":
		b, k, err := parseURL(dst)
		if err != nil {
			return err
		}
		return upDir(ctx, c, src, b, k, conc)
	case "downdir":
		b, k, err := parseURL(src)
		if err != nil {
			return err
		}
		return downDir(ctx, c, b, k, dst, conc)
	}
	return &UsageError{Msg: "unknown subcommand " + cmd}
}

// parseURL splits s3://bucket/key.
func parseURL(s string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(s, "s3://")
	if !ok {
		return "", "", &UsageError{Msg: "not an s3:// URL: " + s}
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key, nil
}

func upDir(ctx context.Context, c Client, dir, bucket, prefix string, conc int) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(conc, 1))
	prefix = strings.TrimSuffix(prefix, "/")
	walkErr := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		key := prefix + "/" + filepath.ToSlash(rel)
		g.Go(func() error { return c.Upload(ctx, p, bucket, key) })
		return ctx.Err()
	})
	return errors.Join(walkErr, g.Wait())
}

func downDir(ctx context.Context, c Client, bucket, prefix, dir string, conc int) error {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	keys, err := c.List(ctx, bucket, prefix)
	if err != nil {
		return fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(conc, 1))
	for _, k := range keys {
		file := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(k, prefix)))
		g.Go(func() error {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				return err
			}
			return c.Download(ctx, bucket, k, file)
		})
	}
	return g.Wait()
}
