package views

import "strings"

// devMailAddresses writes a caught message's addresses as a mail client
// would, "Name <address>".
func devMailAddresses(as []DevMailAddress) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Address
		if a.Name != "" {
			parts[i] = a.Name + " <" + a.Address + ">"
		}
	}
	return strings.Join(parts, ", ")
}
