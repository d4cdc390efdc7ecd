// Command s3kitlib resolves credentials with s3kit's credentials package
// alone (credentials.Load + Credentials.Retrieve), without the CLI binary
// around it, to separate resolution cost from the s3kit binary's start-up.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/s3kit/s3kit/credentials"
)

func main() {
	ctx := context.Background()
	cfg, err := credentials.Load(ctx, credentials.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(c.Source)
}
