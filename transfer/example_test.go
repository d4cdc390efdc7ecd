package transfer_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/s3kit/s3kit/transfer"
)

func ExamplePlanSync() {
	t := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	list := func(es ...transfer.Entry) iter.Seq2[transfer.Entry, error] {
		return func(yield func(transfer.Entry, error) bool) {
			for _, e := range es {
				if !yield(e, nil) {
					return
				}
			}
		}
	}
	local := list(
		transfer.Entry{Key: "a-b", Size: 3, ModTime: t},
		transfer.Entry{Key: "a/x", Size: 5, ModTime: t},
	)
	remote := list(
		transfer.Entry{Key: "a/x", Size: 4, ModTime: t},
		transfer.Entry{Key: "old", Size: 1, ModTime: t},
	)
	for step, err := range transfer.PlanSync(context.Background(), local, remote, transfer.SyncOptions{Delete: true}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if step.Reason != "" {
			fmt.Printf("%s %s (%s)\n", step.Action, step.Key, step.Reason)
			continue
		}
		fmt.Println(step.Action, step.Key)
	}
	// Output:
	// copy a-b
	// update a/x (size differs)
	// delete old
}
