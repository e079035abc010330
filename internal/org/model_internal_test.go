package org

import (
	"strings"
	"testing"
)

// The SQL list of attached types (the short-name index's and its query's)
// names every attached type and nothing else.
func TestAttachedTypesSQL(t *testing.T) {
	var want []string
	for _, typ := range Types {
		if typ.Level() == Attached {
			want = append(want, "'"+string(typ)+"'")
		}
	}
	if got := "(" + strings.Join(want, ", ") + ")"; got != attachedTypesSQL {
		t.Errorf("attachedTypesSQL = %s, want %s", attachedTypesSQL, got)
	}
}
