// Command s3kit is the s3kit CLI: an embedded S3 server, access keys, credential
// explanation and everyday S3 commands. See README.md for a tour.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/s3kit/s3kit/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
