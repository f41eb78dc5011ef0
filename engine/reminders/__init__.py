"""Deadlines and their rules planned into schedule rows, the sweep that turns them into notices, delivery over channels, the scheduler."""
