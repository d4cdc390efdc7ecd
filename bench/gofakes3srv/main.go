// Command gofakes3srv runs johannesboyne/gofakes3 with its in-memory backend
// on an address, as a peer for the server benchmarks (no auth, no disk).
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9100", "listen address")
	flag.Parse()
	faker := gofakes3.New(s3mem.New())
	log.Fatal(http.ListenAndServe(*addr, faker.Server()))
}
