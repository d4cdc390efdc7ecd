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

// version is set at link time by "make build"
// (-ldflags "-X main.version=..."); empty otherwise.
var version string

func main() {
	args := os.Args[1:]
	ctx, stop := context.Background(), context.CancelFunc(func() {})
	if cli.CancelOnSignal(args) {
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	}
	env := cli.OSEnv()
	env.Version = version
	code := cli.Main(ctx, args, env)
	stop()
	os.Exit(code)
}
