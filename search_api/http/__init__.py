"""search_api/http."""
