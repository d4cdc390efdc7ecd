package mem_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/s3kit/s3kit/storage"
	"github.com/s3kit/s3kit/storage/mem"
)

func Example() {
	ctx := context.Background()
	s := mem.New(mem.Options{})
	if err := s.CreateBucket(ctx, "photos", storage.CreateBucketOptions{}); err != nil {
		panic(err)
	}
	info, err := s.PutObject(ctx, "photos", "2024/cat.txt", strings.NewReader("meow"), storage.PutOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(info.Size, info.ETag)

	o, err := s.GetObject(ctx, "photos", "2024/cat.txt")
	if err != nil {
		panic(err)
	}
	defer o.Content.Close()
	body, _ := io.ReadAll(o.Content)
	fmt.Println(string(body))

	page, _ := s.ListObjects(ctx, "photos", storage.ListOptions{Delimiter: "/"})
	fmt.Println(page.CommonPrefixes)
	// Output:
	// 4 "4a4be40c96ac6314e91d93f38043a634"
	// meow
	// [2024/]
}
