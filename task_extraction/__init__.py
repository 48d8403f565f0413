"""task_extraction."""
