// Command nethttp links net/http (which the credentials package needs for
// STS, SSO, container and IMDS calls) and prints a line: the start-up cost
// of any Go program that can make an HTTP request.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) > 1 {
		resp, err := http.Get(os.Args[1])
		if err == nil {
			resp.Body.Close()
		}
	}
	fmt.Println("hello")
}
