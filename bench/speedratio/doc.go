// Package speedratio holds benchmarks that report ratios rather than
// absolute times: each interleaves short batches of s3kit and a reference
// (aws-sdk-go-v2's signer, one crypto/sha256 pass, boto3) and keeps each
// side's fastest batch, so load from other processes on a shared machine
// distorts the ratio less than two separate benchmarks would. Every
// benchmark reports its ratios with b.ReportMetric; run them once:
//
//	cd bench && go test -run '^$' -bench . -benchtime 1x ./speedratio
package speedratio
