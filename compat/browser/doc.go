// Package browser drives Debian's chromium through the DevTools protocol
// (chromedp) against an in-process s3kit server, so CORS, presigned PUT
// and POST, and multipart uploads are checked by a real browser enforcing
// the same-origin policy, not by a client that merely sends the headers.
// It lives in the compat module so chromedp never enters the main
// module's go.mod. Without /usr/bin/chromium the tests skip, except under
// CI=true, where they fail.
package browser
