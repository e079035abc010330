package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"danchu/internal/casework"
	"danchu/internal/files"
)

// fileRoom is a room that stores uploaded files: its store, and which blobs
// of it its rows reference (read by the room's store.go). The orphan
// collector and `danchu verify` see the rooms through it only.
type fileRoom interface {
	BlobStore() *files.Blobs
	BlobRefs(ctx context.Context) (files.Refs, error)
}

// fileStore is one folder of blobs and the rooms that store files in it.
type fileStore struct {
	blobs *files.Blobs
	rooms []fileRoom
}

// refs is the union of what the rooms of the store reference.
func (s fileStore) refs(ctx context.Context) (files.Refs, error) {
	all := files.Refs{}
	for _, r := range s.rooms {
		refs, err := r.BlobRefs(ctx)
		if err != nil {
			return nil, err
		}
		for sum, size := range refs {
			all[sum] = size
		}
	}
	return all, nil
}

// fileStores are the folders of uploaded files: the disclosures' attachments
// and the steering committees' regulations and minutes (uploads/files), and
// the feedback photos (uploads/photos). Rooms sharing a
// folder are checked against the union of their references.
func (a *App) fileStores() []fileStore {
	var out []fileStore
	at := map[string]int{}
	for _, r := range []fileRoom{a.Disclose, a.Feedback, a.Plans, a.Steer, a.Cases, sealedRoom{a.Cases}} {
		dir := filepath.Clean(r.BlobStore().Dir)
		i, ok := at[dir]
		if !ok {
			i = len(out)
			at[dir] = i
			out = append(out, fileStore{blobs: r.BlobStore()})
		}
		out[i].rooms = append(out[i].rooms, r)
	}
	return out
}

// OrphanEvery is how often the orphan collector runs for a grace period: a
// quarter of it, at most an hour, at least a second (so that a file is
// removed at most a quarter of the grace late).
func OrphanEvery(grace time.Duration) time.Duration {
	return max(min(grace/4, time.Hour), time.Second)
}

// CollectOrphans removes, in every folder of uploaded files, the blobs no row
// references and nobody wrote or touched for the grace (--orphan-grace), and
// the temporary files of uploads interrupted as long ago (files.Collect says
// why a blob being used cannot be lost). Only files are removed; it logs what
// it removed.
func (a *App) CollectOrphans(ctx context.Context) (files.Swept, error) {
	var total files.Swept
	grace := a.Config.Orphans()
	for _, s := range a.fileStores() {
		got, err := s.blobs.Collect(ctx, grace, s.refs)
		total.Blobs += got.Blobs
		total.BlobBytes += got.BlobBytes
		total.Temps += got.Temps
		total.Restored += got.Restored
		total.Young += got.Young
		total.Referenced += got.Referenced
		if err != nil {
			return total, fmt.Errorf("orphan files in %s: %w", s.blobs.Dir, err)
		}
		switch {
		case got.Refused:
			total.Refused = true
			a.Log.WarnContext(ctx, "orphan files kept: the database references no file of this folder but it holds some; is --db the database of this --data-dir?",
				"dir", s.blobs.Dir)
		case got.Blobs > 0 || got.Temps > 0 || got.Restored > 0:
			a.Log.InfoContext(ctx, "orphan files removed", "dir", s.blobs.Dir, "blobs", got.Blobs, "bytes", got.BlobBytes,
				"temporary", got.Temps, "put_back", got.Restored, "grace", grace.String())
		}
	}
	return total, nil
}

// FilesReport is what CheckFiles found in every folder of uploaded files.
type FilesReport struct {
	Problems     []files.Problem // referenced blobs missing or not as recorded
	Unreferenced int
}

// CheckFiles compares every folder of uploaded files with what the rows
// reference (files.Blobs.Check; hash reads every referenced file through).
func (a *App) CheckFiles(ctx context.Context, hash bool) (FilesReport, error) {
	var r FilesReport
	for _, s := range a.fileStores() {
		refs, err := s.refs(ctx)
		if err != nil {
			return r, err
		}
		got, err := s.blobs.Check(ctx, refs, hash)
		if err != nil {
			return r, fmt.Errorf("check %s: %w", s.blobs.Dir, err)
		}
		r.Problems = append(r.Problems, got.Problems...)
		r.Unreferenced += got.Unreferenced
	}
	return r, nil
}

// sealedRoom is casework's folder of sealed originals, as a file room.
type sealedRoom struct{ s *casework.Service }

func (r sealedRoom) BlobStore() *files.Blobs { return r.s.Sealed }
func (r sealedRoom) BlobRefs(ctx context.Context) (files.Refs, error) {
	return r.s.SealedRefs(ctx)
}
