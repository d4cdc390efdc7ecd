// Package credbench holds minimal programs for the `s3kit creds` start-up
// comparison in bench/creds/run.sh: a hello-world Go binary, an
// aws-sdk-go-v2 LoadDefaultConfig + Retrieve program and a minio-go
// credentials chain program. Each resolves credentials once and exits.
package credbench
