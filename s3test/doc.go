// Package s3test starts an in-process s3kit S3 server for Go tests, the way
// net/http/httptest starts an HTTP server: NewServer(t) listens on
// 127.0.0.1 on a port it picks, creates a fresh random access key, keeps
// objects in memory (or in a temporary directory with WithDisk), and shuts
// everything down when the test ends. Start does the same outside a test
// (in TestMain, or an example) and leaves Close to the caller.
//
// Point any S3 client at srv.URL with srv.AccessKeyID, srv.SecretAccessKey
// and srv.Region, or hand srv.Env() to a subprocess such as boto3 or the
// aws CLI. Requests are verified exactly as `s3kit serve` verifies them.
//
// A typical test:
//
//	func TestUpload(t *testing.T) {
//		srv := s3test.NewServer(t)
//		client := mys3.New(srv.URL, srv.AccessKeyID, srv.SecretAccessKey, srv.Region)
//		...
//	}
package s3test
