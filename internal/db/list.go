package db

import "strconv"

// IDList appends ids to args and returns their numbered placeholders for an
// "x in (…)" clause ("$3, $4, $5" when args held two before), the one way
// stores write a list of IDs into a query on both engines. An empty list is
// "0": a valid clause that matches no row (no ID is 0).
func IDList(args *[]any, ids []int64) string { return placeholders(args, ids, "0") }

// TextList is IDList for text values (codes): their numbered placeholders for
// an "x in (…)" clause. An empty list is "null", which "in" matches with no row
// (never write "not in" with it).
func TextList(args *[]any, values []string) string { return placeholders(args, values, "null") }

// placeholders appends values to args and returns their numbered
// placeholders, or empty when there are none.
func placeholders[T int64 | string](args *[]any, values []T, empty string) string {
	if len(values) == 0 {
		return empty
	}
	b := make([]byte, 0, len(values)*5)
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		*args = append(*args, v)
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(*args)), 10)
	}
	return string(b)
}
