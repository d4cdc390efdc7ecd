// Package servercompat runs real Go S3 clients (aws-sdk-go-v2 and
// minio-go, with their default settings) against an in-process s3kit
// server (s3test), so the server's wire behaviour is checked by the same
// code applications use. It lives in the compat module so those SDKs never
// enter the main module's go.mod.
package servercompat
