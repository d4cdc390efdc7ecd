package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/s3kit/s3kit/transfer"
)

// location is one side of a client command: an S3 URL or a local path.
type location struct {
	s3     bool
	bucket string
	key    string // key or prefix, may be ""
	path   string // local path
}

func (l location) String() string {
	if l.s3 {
		return "s3://" + l.bucket + "/" + l.key
	}
	return l.path
}

// loc is l as transfer names it.
func (l location) loc() transfer.Location {
	if l.s3 {
		return transfer.Remote(l.bucket, l.key)
	}
	return transfer.Local(l.path)
}

// parseLocation parses "s3://bucket/key" (aws-cli's form) or a local path.
// "-" is stdin/stdout.
func parseLocation(arg string) (location, error) {
	rest, ok := strings.CutPrefix(arg, "s3://")
	if !ok {
		if arg == "" {
			return location{}, errors.New("empty path")
		}
		return location{path: arg}, nil
	}
	bucket, key, _ := strings.Cut(rest, "/")
	if bucket == "" {
		return location{}, fmt.Errorf("%q: missing bucket name (expected s3://bucket/key)", arg)
	}
	return location{s3: true, bucket: bucket, key: key}, nil
}

// filters holds cp, mv, sync and rm's --include/--exclude rules, in the
// order given across both flags.
type filters struct{ transfer.Filter }

// filterFlag is a pflag.Value that appends to a shared, ordered rule list,
// so "--exclude '*' --include '*.txt'" keeps its order across both flags.
type filterFlag struct {
	f       *filters
	include bool
}

func (ff filterFlag) String() string { return "" }
func (ff filterFlag) Type() string   { return "pattern" }
func (ff filterFlag) Set(v string) error {
	if ff.include {
		return ff.f.Include(v)
	}
	return ff.f.Exclude(v)
}

func (f *filters) match(rel string) bool { return f.Match(rel) }
