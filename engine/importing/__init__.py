"""An Excel task list as a draft checklist file."""
