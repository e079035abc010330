package backup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The scheduled backups' names: danchu-backup-20261202T063646.123Z.tar, in UTC,
// so that the names sort as the times do.
const (
	namePrefix = "danchu-backup-"
	nameSuffix = ".tar"
	nameTime   = "20060102T150405.000Z"
)

// Name is the file name of a backup made at t.
func Name(t time.Time) string { return namePrefix + t.UTC().Format(nameTime) + nameSuffix }

// Found is a scheduled backup in a folder.
type Found struct {
	Path string
	At   time.Time
}

// List returns the backups named by Name in dir, oldest first (none if dir
// does not exist). Other files, temporary ones among them, are not listed.
func List(dir string) ([]Found, error) {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Found
	for _, e := range es {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, namePrefix) || !strings.HasSuffix(n, nameSuffix) {
			continue
		}
		t, err := time.Parse(nameTime, strings.TrimSuffix(strings.TrimPrefix(n, namePrefix), nameSuffix))
		if err != nil {
			continue
		}
		out = append(out, Found{Path: filepath.Join(dir, n), At: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// Prune removes all but the keep newest backups of dir and the temporary
// folders of backups that died over a day ago; it returns what it removed.
// Call it only after a new backup has succeeded.
func Prune(dir string, keep int, now time.Time) ([]string, error) {
	if keep < 1 {
		keep = 1
	}
	list, err := List(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for i := 0; i < len(list)-keep; i++ {
		if err := os.Remove(list[i].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, list[i].Path)
	}
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".danchu-backup-") {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > 24*time.Hour {
			if os.RemoveAll(filepath.Join(dir, e.Name())) == nil {
				removed = append(removed, filepath.Join(dir, e.Name()))
			}
		}
	}
	return removed, nil
}
