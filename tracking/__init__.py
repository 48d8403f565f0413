"""What staff do with tasks after extraction: status, timeliness, recurring occurrences, gold exports."""
