package models

// SearchTextForTest is searchText, for models_test.
func SearchTextForTest(typed string) string { return searchText(typed) }
