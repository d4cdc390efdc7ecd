// Command minio resolves credentials with minio-go's usual chain (EnvAWS,
// FileAWSCredentials, IAM) and prints the access key's length.
package main

import (
	"fmt"
	"os"

	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	c := credentials.NewChainCredentials([]credentials.Provider{
		&credentials.EnvAWS{},
		&credentials.FileAWSCredentials{},
		&credentials.IAM{},
	})
	v, err := c.GetWithContext(nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(len(v.AccessKeyID))
}
