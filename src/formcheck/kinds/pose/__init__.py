"""`kind = pose`: landmarks only (see `spec`)."""
