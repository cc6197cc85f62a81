// Keeps every module library non-empty while its folder fills up.
