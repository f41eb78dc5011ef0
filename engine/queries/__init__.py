"""Reading state for people: status, listings for boards, history. Never writes."""
