package planimport

import (
	"embed"
	"fmt"
	"io/fs"
)

// The five seed documents (real plans, a project and a directive of
// provincial committees) are the reader's test input and the demo's plans.
//
//go:embed testdata/*.txt
var seeds embed.FS

// Seed is the text of seed document n (0–4, by its file name's number).
func Seed(n int) (string, error) {
	m, err := fs.Glob(seeds, fmt.Sprintf("testdata/%03d_*.txt", n))
	if err != nil || len(m) != 1 {
		return "", fmt.Errorf("planimport: no seed %d", n)
	}
	b, err := seeds.ReadFile(m[0])
	return string(b), err
}
