package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/s3kit/s3kit/server"
	"github.com/s3kit/s3kit/storage/mem"
)

func Example() {
	srv := server.New(server.Config{
		Backend: mem.New(mem.Options{}),
		Keys:    server.NewStaticKeys(server.Key{AccessKeyID: "AKEXAMPLE", Secret: "secret"}),
		Region:  "us-east-1",
	})
	hs := httptest.NewServer(srv)
	defer hs.Close()

	resp, err := http.Get(hs.URL + "/-/health")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("health:", resp.StatusCode)

	resp, err = http.Get(hs.URL + "/") // unsigned
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("anonymous:", resp.StatusCode)
	// Output:
	// health: 200
	// anonymous: 403
}
