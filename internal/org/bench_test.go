package org_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/org"
)

// nationalTree is the official list plus 63,600 villages spread over the 3,321
// communes (19 or 20 each), the size of the country's tree.
func nationalTree(b *testing.B, s *org.Service) {
	b.Helper()
	var csv bytes.Buffer
	csv.Write(org.OfficialList)
	const villages = 63600
	var communes []string
	for _, line := range strings.Split(string(org.OfficialList), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) == 4 && len(f[0]) == 5 {
			communes = append(communes, f[0])
		}
	}
	extra := villages - 19*len(communes)
	for i, c := range communes {
		n := 19
		if i < extra {
			n++
		}
		for v := 1; v <= n; v++ {
			fmt.Fprintf(&csv, "%s-%02d,Thôn %d,thon,%s\n", c, v, v, c)
		}
	}
	res, err := s.ImportUnits(context.Background(), &csv, nil)
	if err != nil {
		b.Fatal(err)
	}
	if res.ByType[org.Village] != villages {
		b.Fatalf("%d villages", res.ByType[org.Village])
	}
}

// BenchmarkDescendants: the subtree of a province on the national tree, straight
// from SQL and from the process's tree snapshot checked against the database on
// every call (TreeMaxAge 0: one version read per query, the strictest setting).
// Target ≤ 2 ms per query (issue 2).
func BenchmarkDescendants(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		s.SetTreeMaxAge(0)
		nationalTree(b, s)
		b.Run("load-snapshot", func(b *testing.B) {
			for b.Loop() {
				fresh := org.NewService(d)
				t, err := fresh.Tree(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(t.Len()), "units")
			}
		})
		for _, code := range []string{"46", "01", "79"} {
			p, err := s.UnitByCode(ctx, code)
			if err != nil {
				b.Fatal(err)
			}
			for _, src := range []struct {
				name string
				get  func(context.Context, org.Unit) ([]org.Unit, error)
			}{{"sql", s.Store.Descendants}, {"snapshot", s.Descendants}} {
				b.Run(src.name+"/"+code, func(b *testing.B) {
					var n int
					for b.Loop() {
						us, err := src.get(ctx, p)
						if err != nil {
							b.Fatal(err)
						}
						n = len(us)
					}
					b.ReportMetric(float64(n), "units")
				})
			}
		}
	})
}
