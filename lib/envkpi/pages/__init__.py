"""What people read: the report helpers notebooks call, the HTML pages, the year's index, the failure page,
the auditor's pages."""
