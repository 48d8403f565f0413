"""search_api/web."""
