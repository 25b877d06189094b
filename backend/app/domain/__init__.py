"""Domain values shared by every layer (no I/O, no ORM, no framework): statuses and their rules."""
