package browser

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/s3kit/s3kit/s3test"
	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/server/console"
	"github.com/s3kit/s3kit/storage"
)

// BenchmarkConsoleFirstPage measures, in chromium, how long the console
// takes from a click on a folder of 100,000 keys to showing its first page
// (a signed ListObjectsV2 of 500 keys, parsed and rendered): the time a
// person waits to see into a large bucket. The wait polls every 50 ms,
// so the figure is rounded up by up to that.
func BenchmarkConsoleFirstPage(b *testing.B) {
	ctx := browser(b)
	shots := artefacts(b)
	srv := s3test.NewServer(b, s3test.WithConfig(func(c *server.Config) {
		c.Console = console.Handler(console.Options{Region: c.Region})
	}))
	bg := context.Background()
	for _, name := range []string{"large", "small"} {
		if err := srv.Backend.CreateBucket(bg, name, storage.CreateBucketOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100_000 {
		if _, err := srv.Backend.PutObject(bg, "large", fmt.Sprintf("logs/%06d.json", i), strings.NewReader("{}"), storage.PutOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := srv.Backend.PutObject(bg, "large", "top.txt", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		b.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/-/console/")); err != nil {
		b.Fatal(err)
	}
	waitFor(b, ctx, shots, "the console to start", `document.body.dataset.ready === "true"`)
	typeInto(b, ctx, "#access-key", srv.AccessKeyID)
	typeInto(b, ctx, "#secret-key", srv.SecretAccessKey)
	click(b, ctx, "#signin-button")
	waitFor(b, ctx, shots, "the buckets", `document.querySelector('#buckets button[data-bucket="large"]') !== null`)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		click(b, ctx, `#buckets button[data-bucket="small"]`)
		waitFor(b, ctx, shots, "the small bucket", `!document.getElementById("empty-folder").hidden`)
		click(b, ctx, `#buckets button[data-bucket="large"]`)
		waitFor(b, ctx, shots, "the bucket's top", `document.querySelector('button[data-folder="logs/"]') !== null && document.querySelector('button[data-key="top.txt"]') !== null`)
		b.StartTimer()
		click(b, ctx, `button[data-folder="logs/"]`)
		waitFor(b, ctx, shots, "the first page", `document.querySelectorAll("#rows tr").length === 500 && !document.getElementById("load-more").hidden`)
	}
}
