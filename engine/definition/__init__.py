"""What a checklist file means: reading YAML with positions, the schema, validation, immutable definitions, the one state machine per workflow. No database, no clock."""
