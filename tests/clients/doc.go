// Package clients holds the real-client end-to-end suite: its tests build
// ./cmd/s3kit, start "s3kit serve --addr 127.0.0.1:0" on a temporary data
// directory, read the printed endpoint and first key, and drive the server
// with real clients — boto3 1.43 (scripts/*.py, in clean environments with a
// temporary HOME and no inherited AWS_* variables), aws-cli v1, and when
// installed aws-cli v2, s3cmd and rclone. A crash test kills the server with
// SIGKILL during a stream of PUTs, restarts it on the same data directory
// and checks every acknowledged object byte for byte.
//
// The package has no non-test code besides this comment; "go test -short"
// skips it.
package clients
