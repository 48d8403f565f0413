"""parlens."""
