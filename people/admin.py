"""Admin for people: see issue on data entry."""
