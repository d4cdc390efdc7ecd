// Command hello is the start-up baseline: a Go binary that prints a line.
package main

import "fmt"

func main() { fmt.Println("hello") }
