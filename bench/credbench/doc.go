// Package credbench holds minimal programs for the `s3kit creds` start-up
// comparison in bench/creds/run.sh: a hello-world Go binary, a hello world
// that links net/http (the floor of any Go program that can call STS, SSO
// or a metadata service), an aws-sdk-go-v2 LoadDefaultConfig + Retrieve
// program, a minio-go credentials chain program, and s3kitlib (the
// credentials package without the CLI). Each resolves credentials once (or
// prints a line) and exits.
package credbench
