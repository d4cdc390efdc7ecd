// Package peers holds the peer programs that bench/transfer.sh runs beside
// `s3kit cp` against one `s3kit serve`: miniocp (minio-go) and awsgocp
// (aws-sdk-go-v2's transfer manager). Each copies one file or a directory of
// files up or down at its library's defaults, so that the side-by-side
// figures compare libraries, not tuning. The shared command line lives in
// internal/peercli.
package peers
