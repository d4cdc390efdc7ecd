package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/s3kit/s3kit/server/notify"
)

// A webhook receives each event as S3's JSON; here the queue is in
// memory (Options.Dir empty).
func Example() {
	got := make(chan notify.Message, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m notify.Message
		_ = json.NewDecoder(r.Body).Decode(&m)
		got <- m
	}))
	defer hook.Close()

	q, err := notify.Open(context.Background(), notify.Options{Targets: map[string]string{"hook": hook.URL}})
	if err != nil {
		panic(err)
	}
	defer q.Close()
	err = q.Enqueue(context.Background(), notify.Event{Target: "hook", Name: "ObjectCreated:Put",
		Time: time.Now(), Bucket: "photos", Key: "2026/a cat.jpg", Size: 4, ETag: "abc"})
	if err != nil {
		panic(err)
	}
	m := <-got
	fmt.Println(m.Records[0].EventName, m.Records[0].S3.Bucket.Name, m.Records[0].S3.Object.Key, *m.Records[0].S3.Object.Size)
	// Output: ObjectCreated:Put photos 2026/a+cat.jpg 4
}
