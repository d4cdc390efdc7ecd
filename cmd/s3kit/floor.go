//go:build startupfloor

package main

import "os"

// Built with -tags startupfloor, s3kit links and initialises everything it
// always does and then exits before main runs: the start-up floor of the
// binary (exec, page faults, package initialisation) that bench/creds/run.sh
// compares "s3kit creds" against. Package main's init runs after every
// imported package's init.
func init() { os.Exit(0) }
