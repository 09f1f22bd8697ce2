"""Sites that embed Parley's comments, and the pages of theirs that have a thread."""
