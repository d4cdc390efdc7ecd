package s3xml_test

import (
	"fmt"
	"time"

	"github.com/s3kit/s3kit/internal/s3xml"
)

func ExampleMarshal() {
	b, err := s3xml.Marshal(s3xml.InitiateMultipartUploadResult{Bucket: "b", Key: "k", UploadID: "u1"})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	fmt.Println(s3xml.NewTime(time.Date(2009, 10, 12, 17, 50, 30, 0, time.UTC)).Format(s3xml.TimeFormat))
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>
	// 2009-10-12T17:50:30.000Z
}
