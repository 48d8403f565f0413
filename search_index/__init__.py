"""search_index."""
