// Package org keeps the administrative units (province → commune → village or
// residential group), the agencies and enterprises attached to them, their history
// (valid from/to, merges and renames by resolution), and the household register of
// each village — the electorate of community decisions.
package org
