// Package cli holds end-to-end tests of the s3kit client commands: they build
// the binary once, start a real S3 server, and run the commands as a user
// would, checking output, exit codes and the state on both sides.
package cli
