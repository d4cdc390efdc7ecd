//go:build startupfloor

package main

import "os"

// Built into cmd/s3kit with -tags startupfloor and an -overlay that adds
// this file to that directory (bench/creds/run.sh does both), s3kit links
// and initialises everything it always does and then exits before main
// runs: the start-up floor of the binary (exec, page faults, package
// initialisation) that "s3kit creds" is compared against. Package main's
// init runs after every imported package's init. It is added by overlay
// rather than kept in cmd/s3kit so that the command's own directory holds
// no measurement code, while the floor is still the same binary with the
// same dependency versions.
func init() { os.Exit(0) }
