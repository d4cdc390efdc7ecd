package ini

import (
	"slices"
	"testing"
)

func TestShlexSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{in: `a b  c`, want: []string{"a", "b", "c"}},
		{in: `"/my dir/x" --arg 'q w'`, want: []string{"/my dir/x", "--arg", "q w"}},
		{in: `a\ b "c\"d" "e\f"`, want: []string{"a b", `c"d`, `e\f`}},
		{in: `'' x`, want: []string{"", "x"}},
		{in: `profile "p1`, err: true},
		{in: `x\`, err: true},
	}
	for _, tc := range tests {
		got, err := ShellSplit(tc.in)
		if (err != nil) != tc.err || (!tc.err && !slices.Equal(got, tc.want)) {
			t.Errorf("ShellSplit(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
