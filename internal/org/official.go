package org

import _ "embed"

// OfficialList is the national list of administrative units in force from
// 01/07/2025 (QĐ 19/2025/QĐ-TTg): 34 provinces and 3,321 communes, as CSV with the
// columns code, name, type, parent_code.
//
//go:embed data/units-2025.csv
var OfficialList []byte
