"""task_extraction/criteria."""
