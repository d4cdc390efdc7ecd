package transfer_test

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEProgramIsTheExample keeps the README's "From Go" program the
// same text as mirror in example_test.go, which ExampleManager_CopyTree
// compiles and runs: the README never shows code that does not build.
func TestREADMEProgramIsTheExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(example), "// README begin\n")
	want, _, ok2 := strings.Cut(after, "// README end\n")
	if !ok || !ok2 {
		t.Fatal("example_test.go has no README begin/end markers")
	}
	_, fromGo, ok := strings.Cut(string(readme), "\n## From Go\n")
	if !ok {
		t.Fatal(`README.md has no "## From Go" section`)
	}
	fromGo, _, _ = strings.Cut(fromGo, "\n## ")
	var blocks []string
	for _, part := range strings.Split(fromGo, "```go\n")[1:] {
		code, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, code)
		if strings.TrimSpace(code) == strings.TrimSpace(want) {
			return
		}
	}
	t.Errorf("no go block under README's \"From Go\" is the example's mirror function:\n%s\nblocks found:\n%s",
		want, strings.Join(blocks, "\n---\n"))
}
