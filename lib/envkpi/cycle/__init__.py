"""The yearly cycle: what changed since last year, publication and restatements, the history files, a new
year, the auditor's review."""
